package dev.tollgate.console;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the console's files from the WAR's {@code /console/} folder and its sign-in settings
 * ({@code config.json}). JAX-RS owns every other path of the application, so the container's
 * static file handling never sees these. Every answer carries the console's own policy: scripts,
 * styles and requests to this origin only (and to the identity provider, when one is configured).
 */
@WebServlet(urlPatterns = {"/console", "/console/*"})
public class ConsoleServlet extends HttpServlet {

    private static final Pattern FILE = Pattern.compile("/[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    @Inject
    ConsoleConfig config;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            response.sendRedirect(request.getContextPath() + "/console/");
            return;
        }
        response.setHeader("Content-Security-Policy", config.contentSecurityPolicy());
        response.setHeader("Cache-Control", "no-cache");
        if (path.equals("/config.json")) {
            response.setContentType("application/json");
            response.getOutputStream().write(config.json().getBytes(StandardCharsets.UTF_8));
            return;
        }
        String file = path.equals("/") ? "/index.html" : path;
        InputStream in = FILE.matcher(file).matches()
                ? getServletContext().getResourceAsStream("/console" + file) : null;
        if (in == null) {
            response.setContentType("text/plain; charset=utf-8");
            response.setStatus(404);
            response.getWriter().write("Not found\n");
            return;
        }
        try (in) {
            response.setContentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
            in.transferTo(response.getOutputStream());
        }
    }
}
