package dev.tollgate.platform;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Some refusals happen in the container before JAX-RS sees the request (the MicroProfile JWT
 * check answers 401 there). web.xml routes those error pages here, so they too get problem+json
 * with a request id instead of the server's own page.
 */
@WebServlet("/errors/container")
public class ContainerErrorServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : HttpServletResponse.SC_NOT_FOUND;
        String requestId = RequestIds.keepOrCreate(request.getHeader(RequestIds.HEADER));
        Problem problem = switch (status) {
            case 401 -> Problem.of(401, "Unauthorized",
                    "A valid bearer token is required: missing, expired, or not signed by a trusted issuer.", requestId);
            case 403 -> Problem.of(403, "Forbidden", "The token does not allow this request.", requestId);
            case 404 -> Problem.of(404, "Not Found", "There is nothing at this address.", requestId);
            default -> Problem.of(status, "Error", "The server refused the request.", requestId);
        };
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(RequestIds.HEADER, requestId);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"tollgate\"");
        }
        response.getWriter().write(JsonFormat.JSONB.toJson(problem));
    }
}
