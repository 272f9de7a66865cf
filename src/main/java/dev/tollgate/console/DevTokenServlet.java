package dev.tollgate.console;

import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemResponses;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.RequestIds;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /dev/token {"sub", "company", "roles"}}: a dev token for the console's dev sign-in.
 * Registered only by {@link DevSignInRoute}, never by annotation.
 */
class DevTokenServlet extends HttpServlet {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final int MAX_BODY = 4096;

    private final transient DevSignIn dev;

    DevTokenServlet(DevSignIn dev) {
        this.dev = dev;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.keepOrCreate(request.getHeader(RequestIds.HEADER));
        response.setHeader(RequestIds.HEADER, requestId);
        JsonObject body;
        try (InputStream in = request.getInputStream()) {
            body = Json.createReader(new ByteArrayInputStream(in.readNBytes(MAX_BODY))).readObject();
        } catch (JsonException | ClassCastException e) {
            refuse(response, ProblemType.MALFORMED_BODY, "The body must be a JSON object.", requestId);
            return;
        }
        String subject = text(body, "sub");
        String company = text(body, "company");
        List<String> roles = roles(body.get("roles"));
        if (subject == null || company == null) {
            refuse(response, ProblemType.INVALID_REQUEST,
                    "sub and company must be 1-64 letters, digits or . _ @ -", requestId);
            return;
        }
        if (roles == null) {
            refuse(response, ProblemType.INVALID_REQUEST, "roles must be a list of " + DevSignIn.ROLES, requestId);
            return;
        }
        DevSignIn.Token token = dev.sign(subject, company, roles);
        response.setContentType("application/json");
        response.getWriter().write(Json.createObjectBuilder().add("token", token.token())
                .add("expires_at", token.expiresAt().toString()).build().toString());
    }

    private static String text(JsonObject body, String name) {
        JsonValue value = body.get(name);
        return value instanceof JsonString s && NAME.matcher(s.getString()).matches() ? s.getString() : null;
    }

    private static List<String> roles(JsonValue value) {
        if (value == null) {
            return List.of("user");
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            return null;
        }
        List<String> roles = value.asJsonArray().stream()
                .map(role -> role instanceof JsonString s ? s.getString() : "").distinct().toList();
        return roles.isEmpty() || !DevSignIn.ROLES.containsAll(roles) ? null : roles;
    }

    private static void refuse(HttpServletResponse response, ProblemType type, String detail, String requestId)
            throws IOException {
        ProblemResponses.write(response, Problem.of(type, detail, requestId));
    }
}
