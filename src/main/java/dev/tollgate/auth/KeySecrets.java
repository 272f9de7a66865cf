package dev.tollgate.auth;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * An API key's secret: {@code tg_<12 hex: public prefix>_<43 base64url: 32 random bytes>}. What is
 * kept of it is the HMAC-SHA256 under the server's pepper ({@code TOLLGATE_API_KEYS_PEPPER}), so a
 * copy of the table alone opens nothing.
 */
@ApplicationScoped
public class KeySecrets {

    static final String START = "tg_";
    static final int PREFIX_CHARS = 12;
    static final int SECRET_BYTES = 32;
    private static final int SECRET_CHARS = 43; // 32 bytes in unpadded base64url
    static final int LENGTH = START.length() + PREFIX_CHARS + 1 + SECRET_CHARS;

    private final SecureRandom random = new SecureRandom();

    @Inject
    @ConfigProperty(name = "tollgate.api-keys.pepper")
    Optional<String> pepper;

    /** A new secret and its prefix. */
    public record Fresh(String prefix, String secret) {
    }

    Fresh fresh() {
        byte[] prefixBytes = new byte[PREFIX_CHARS / 2];
        byte[] secretBytes = new byte[SECRET_BYTES];
        random.nextBytes(prefixBytes);
        random.nextBytes(secretBytes);
        String prefix = HexFormat.of().formatHex(prefixBytes);
        return new Fresh(prefix, START + prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes));
    }

    /** True for a string shaped like a key; a JWT never is (it has no {@code tg_} start and has dots). */
    static boolean looksLikeKey(String presented) {
        return presented.length() == LENGTH && presented.startsWith(START)
                && presented.charAt(START.length() + PREFIX_CHARS) == '_';
    }

    /** The public prefix of a key-shaped string, or null when it is not one. */
    static String prefixOf(String presented) {
        if (!looksLikeKey(presented)) {
            return null;
        }
        String prefix = presented.substring(START.length(), START.length() + PREFIX_CHARS);
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.digit(prefix.charAt(i), 16) < 0 || Character.isUpperCase(prefix.charAt(i))) {
                return null;
            }
        }
        return prefix;
    }

    boolean configured() {
        return pepper.isPresent() && !pepper.get().isBlank();
    }

    /** The keyed hash kept in place of the secret. */
    byte[] hash(String secret) {
        if (!configured()) {
            throw new ProblemException(ProblemType.API_KEYS_NOT_CONFIGURED, "TOLLGATE_API_KEYS_PEPPER is not set on this server.");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pepper.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
