package dev.tollgate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The local RSA key pair that bin/dev and the tests sign their own tokens with. Generated on
 * first use under an ignored folder (target/keys), never committed. Tollgate only ever sees the
 * public half, through its configured verification key location.
 */
public final class DevKeys {

    public static final String PUBLIC_PEM = "dev-jwt-public.pem";
    public static final String PRIVATE_PEM = "dev-jwt-private.pem";
    /** Tollgate's own keystore for Option B tokens (first key alias: tollgate-1). */
    public static final String LLM_KEYSTORE = "llm-signing.p12";

    private DevKeys() {
    }

    public static void ensure(Path dir) throws IOException, GeneralSecurityException {
        Path pub = dir.resolve(PUBLIC_PEM);
        Path priv = dir.resolve(PRIVATE_PEM);
        if (Files.exists(pub) && Files.exists(priv)) {
            return;
        }
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    public static PrivateKey privateKey(Path dir) throws IOException, GeneralSecurityException {
        String body = Files.readString(dir.resolve(PRIVATE_PEM))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    public static java.security.interfaces.RSAPublicKey publicKey(Path dir) throws IOException, GeneralSecurityException {
        String body = Files.readString(dir.resolve(PUBLIC_PEM))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return (java.security.interfaces.RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Makes the LLM token keystore with its first key, once. */
    public static void ensureKeystore(Path dir, String password) throws IOException, InterruptedException {
        if (!Files.exists(dir.resolve(LLM_KEYSTORE))) {
            addSigningKey(dir.resolve(LLM_KEYSTORE), password, "tollgate-1");
        }
    }

    /** Adds a new RSA key to the keystore, the way an operator rotates Tollgate's signing key. */
    public static void addSigningKey(Path keystore, String password, String alias) throws IOException, InterruptedException {
        Files.createDirectories(keystore.toAbsolutePath().getParent());
        // keytool reads the password from its environment: on its command line, ps would show it.
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=" + alias, "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass:env", "KEYSTORE_PASSWORD", "-keypass:env", "KEYSTORE_PASSWORD")
                .redirectErrorStream(true);
        builder.environment().put("KEYSTORE_PASSWORD", password);
        Process keytool = builder.start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    /**
     * Used by the build (process-test-classes: {@code DIR [TEST_KEYSTORE_PASSWORD]}) and by bin/dev
     * ({@code --keystore FILE}, the password from TOLLGATE_LLM_TOKEN_KEYSTORE_PASSWORD).
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("--keystore")) {
            addSigningKey(Path.of(args[1]), System.getenv("TOLLGATE_LLM_TOKEN_KEYSTORE_PASSWORD"), "tollgate-1");
            return;
        }
        ensure(Path.of(args[0]));
        if (args.length > 1) {
            ensureKeystore(Path.of(args[0]), args[1]);
        }
    }
}
