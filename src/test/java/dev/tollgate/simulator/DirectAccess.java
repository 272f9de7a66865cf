package dev.tollgate.simulator;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The LLM service's side of Option B: it accepts a browser's call only with a token Tollgate
 * signed (checked against Tollgate's JWKS, fetched again when a token names a key it has not
 * seen), for the session in the URL, before the token expires; it reports what the call used
 * to Tollgate's usage webhook, signed with the shared secret.
 */
public final class DirectAccess {

    /** A refusal: the status and error code the service answers with. */
    static final class Refused extends Exception {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private final URI jwks;
    private final URI webhook;
    private final String secret;
    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public DirectAccess(String tollgateUrl, String webhookSecret) {
        this.jwks = URI.create(tollgateUrl + "/.well-known/jwks.json");
        this.webhook = URI.create(tollgateUrl + "/api/v1/webhooks/usage");
        this.secret = webhookSecret;
    }

    /** The token's claims when it may stream this session now. */
    JsonObject verify(String authorization, String sessionId) throws Refused {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new Refused(401, "unauthorized", "a bearer token from Tollgate is required");
        }
        String[] parts = authorization.substring(7).trim().split("\\.");
        if (parts.length != 3) {
            throw new Refused(401, "unauthorized", "not a JWT");
        }
        JsonObject header = json(parts[0]);
        JsonObject claims = json(parts[1]);
        if (!"RS256".equals(header.getString("alg", null))) {
            throw new Refused(401, "unauthorized", "only RS256 tokens are accepted");
        }
        PublicKey key = key(header.getString("kid", ""));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new Refused(401, "unauthorized", "bad signature");
            }
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new Refused(401, "unauthorized", "bad signature");
        }
        if (!"tollgate".equals(claims.getString("iss", null)) || !"llm-service".equals(claims.getString("aud", null))) {
            throw new Refused(401, "unauthorized", "not a token for this service");
        }
        if (claims.getJsonNumber("exp").longValue() <= Instant.now().getEpochSecond()) {
            throw new Refused(401, "token_expired", "the token has expired");
        }
        if (!sessionId.equals(claims.getString("sid", null))) {
            throw new Refused(403, "wrong_session", "the token is for another session");
        }
        return claims;
    }

    /** What a direct call used, to Tollgate's usage webhook (asynchronously, as a real service would). */
    void reportUsage(JsonObject claims, int promptTokens, int completionTokens) {
        String body = LlmSimulator.JSON.createObjectBuilder()
                .add("event_id", UUID.randomUUID().toString())
                .add("company_id", claims.getString("company_id")).add("user_id", claims.getString("sub"))
                .add("request_id", claims.getString("jti")).add("model", claims.getString("model", "sim-1"))
                .add("prompt_tokens", promptTokens).add("completion_tokens", completionTokens)
                .build().toString();
        long now = Instant.now().getEpochSecond();
        http.sendAsync(HttpRequest.newBuilder(webhook)
                .header("Content-Type", "application/json")
                .header("X-Tollgate-Timestamp", Long.toString(now))
                .header("X-Tollgate-Signature", "sha256=" + hmac(now + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
    }

    private PublicKey key(String kid) throws Refused {
        PublicKey key = keys.get(kid);
        if (key == null) {
            refreshKeys();
            key = keys.get(kid);
        }
        if (key == null) {
            throw new Refused(401, "unauthorized", "unknown key " + kid);
        }
        return key;
    }

    private void refreshKeys() {
        try {
            String body = http.send(HttpRequest.newBuilder(jwks).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            for (JsonValue value : LlmSimulator.JSON.createReader(new StringReader(body)).readObject().getJsonArray("keys")) {
                JsonObject jwk = value.asJsonObject();
                keys.put(jwk.getString("kid"), KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
                        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e"))))));
            }
        } catch (Exception e) {
            // Tollgate unreachable: keep the keys we know; an unknown key stays unknown.
        }
    }

    private String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject json(String part) throws Refused {
        try {
            return LlmSimulator.JSON.createReader(new StringReader(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8)))
                    .readObject();
        } catch (RuntimeException e) {
            throw new Refused(401, "unauthorized", "not a JWT");
        }
    }
}
