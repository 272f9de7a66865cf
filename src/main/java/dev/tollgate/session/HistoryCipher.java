package dev.tollgate.session;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Encrypts kept messages with AES-256-GCM. {@code TOLLGATE_HISTORY_KEYS} is
 * {@code id:base64-key,id:base64-key,...}: the first encrypts, every one decrypts, so a new key
 * goes first and an old one stays until its rows are gone. Each row's session and position are
 * its associated data: a row copied to another place does not decrypt.
 */
@ApplicationScoped
public class HistoryCipher {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    @Inject
    @ConfigProperty(name = "tollgate.history.keys")
    Optional<String> configured;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();

    /** Sealed text and the key that sealed it. */
    public record Sealed(String keyId, byte[] bytes) {
    }

    @PostConstruct
    void read() {
        keys.putAll(parse(configured.orElse("")));
    }

    static Map<String, SecretKey> parse(String spec) {
        Map<String, SecretKey> parsed = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            int colon = entry.indexOf(':');
            if (entry.isBlank()) {
                continue;
            }
            byte[] key = colon > 0 ? Base64.getDecoder().decode(entry.substring(colon + 1).trim()) : new byte[0];
            if (key.length != 32) {
                throw new IllegalArgumentException("TOLLGATE_HISTORY_KEYS: each entry is id:base64 of 32 bytes");
            }
            parsed.put(entry.substring(0, colon).trim(), new SecretKeySpec(key, "AES"));
        }
        return parsed;
    }

    public boolean configured() {
        return !keys.isEmpty();
    }

    Sealed seal(UUID session, int seq, String text) {
        return seal(bound(session, seq), text);
    }

    String open(UUID session, int seq, String keyId, byte[] sealed) {
        return open(bound(session, seq), keyId, sealed);
    }

    /**
     * Seals text bound to {@code context} (what it is and where it belongs): it opens only under
     * the same context, so ciphertext moved to another row does not decrypt.
     */
    public Sealed seal(String context, String text) {
        return seal(context.getBytes(StandardCharsets.UTF_8), text);
    }

    public String open(String context, String keyId, byte[] sealed) {
        return open(context.getBytes(StandardCharsets.UTF_8), keyId, sealed);
    }

    /** 503 when this server has no key: it cannot keep conversations or batch inputs then. */
    public void requireConfigured() {
        if (!configured()) {
            throw new ProblemException(ProblemType.HISTORY_KEYS_NOT_CONFIGURED,
                    "TOLLGATE_HISTORY_KEYS is not set on this server, so it cannot keep conversations or batch inputs.");
        }
    }

    private Sealed seal(byte[] context, String text) {
        requireConfigured();
        Map.Entry<String, SecretKey> current = keys.entrySet().iterator().next();
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.getValue(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return new Sealed(current.getKey(), ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private String open(byte[] context, String keyId, byte[] sealed) {
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("text sealed with key '" + keyId + "', which this server lacks");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
            cipher.updateAAD(context);
            return new String(cipher.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed text does not decrypt: tampered, or moved", e);
        }
    }

    private static byte[] bound(UUID session, int seq) {
        return (session + "#" + seq).getBytes(StandardCharsets.UTF_8);
    }
}
