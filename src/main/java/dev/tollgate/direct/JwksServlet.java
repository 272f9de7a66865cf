package dev.tollgate.direct;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

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
        List<JWK> published = keys.all().stream().<JWK>map(key -> new RSAKey.Builder(key.publicKey())
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyID(key.id()).build()).toList();
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "public, max-age=60");
        // toString of a JWK set writes public parameters only
        response.getWriter().write(new JWKSet(published).toString());
    }
}
