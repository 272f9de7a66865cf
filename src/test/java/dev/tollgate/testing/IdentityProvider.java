package dev.tollgate.testing;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The company's identity provider as the test server sees it: a JWKS URL over real HTTP. It
 * starts with the dev key and can publish more while the server runs, which is how a provider
 * rotates its signing keys.
 */
public final class IdentityProvider {

    private static IdentityProvider instance;

    private final Map<String, RSAPublicKey> keys = new ConcurrentHashMap<>();

    private IdentityProvider(int port) throws IOException, GeneralSecurityException {
        keys.put(DevJwt.DEV_KEY_ID, DevKeys.publicKey(TestEnv.keysDir()));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/jwks.json", exchange -> {
            byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The one provider of the test JVM, on the port the test server was configured with. */
    public static synchronized IdentityProvider get() {
        if (instance == null) {
            try {
                instance = new IdentityProvider(Integer.getInteger("tollgate.idp.port", 19091));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the identity provider", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the dev key", e);
            }
        }
        return instance;
    }

    /** Publishes a new signing key: tokens it signs must be accepted without a server restart. */
    public void publish(String keyId, RSAPublicKey key) {
        keys.put(keyId, key);
    }

    private String jwks() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        keys.forEach((kid, key) -> list.add(Json.createObjectBuilder()
                .add("kty", "RSA").add("use", "sig").add("alg", "RS256").add("kid", kid)
                .add("n", b64(key.getModulus())).add("e", b64(key.getPublicExponent()))));
        return Json.createObjectBuilder().add("keys", list).build().toString();
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0; // unsigned, as JWK wants it
        byte[] unsigned = java.util.Arrays.copyOfRange(bytes, skip, bytes.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned);
    }
}
