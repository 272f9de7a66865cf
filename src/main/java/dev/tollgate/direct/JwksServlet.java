package dev.tollgate.direct;

import static dev.tollgate.platform.JsonFormat.JSON;

import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/**
 * The public halves of Tollgate's signing keys as a JWKS, where the LLM service fetches them.
 * Public by nature: it holds nothing secret. A verifier that meets an unknown key id fetches it
 * again, which is how it learns of a rotated key.
 */
@WebServlet(urlPatterns = "/.well-known/jwks.json")
public class JwksServlet extends HttpServlet {

    @Inject
    SigningKeys keys;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonArrayBuilder list = JSON.createArrayBuilder();
        for (SigningKeys.Key key : keys.all()) {
            list.add(JSON.createObjectBuilder().add("kty", "RSA").add("use", "sig").add("alg", "RS256")
                    .add("kid", key.id())
                    .add("n", unsigned(key.publicKey().getModulus()))
                    .add("e", unsigned(key.publicKey().getPublicExponent())));
        }
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "public, max-age=60");
        response.getWriter().write(JSON.createObjectBuilder().add("keys", list).build().toString());
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] magnitude = bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(magnitude);
    }
}
