package dev.tollgate.credits;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** HMAC-SHA256 over "timestamp.body" with a secret from the environment, within a time window. */
@ApplicationScoped
public class WebhookSignature {

    static final Duration WINDOW = Duration.ofMinutes(5);

    @Inject
    @ConfigProperty(name = "tollgate.webhook.secret")
    Optional<String> secret;

    @Inject
    Clock clock;

    void verify(String timestamp, String body, String signature) {
        if (secret.isEmpty() || secret.get().isBlank()) {
            throw new ProblemException(ProblemType.WEBHOOKS_NOT_CONFIGURED, "TOLLGATE_WEBHOOK_SECRET is not set on this server.");
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp == null ? "" : timestamp.trim());
        } catch (NumberFormatException e) {
            throw unauthorized("X-Tollgate-Timestamp must be Unix seconds.");
        }
        if (Math.abs(clock.instant().getEpochSecond() - sentAt) > WINDOW.toSeconds()) {
            throw unauthorized("The timestamp is outside the five-minute window.");
        }
        byte[] expected = ("sha256=" + sign(secret.get(), sentAt + "." + body)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = (signature == null ? "" : signature.trim()).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) { // constant time
            throw unauthorized("The signature does not match.");
        }
    }

    public static String sign(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(ProblemType.INVALID_WEBHOOK_SIGNATURE, detail);
    }
}
