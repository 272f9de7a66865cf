package dev.tollgate.console;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Dev tokens for the console's dev sign-in: signed with the local dev key that the dev server
 * trusts, for any user, company and roles. It exists only where {@code tollgate.dev.signing-key}
 * names that key (bin/dev and the test server); a production configuration names none, and then
 * there is no endpoint at all, not a refusing one.
 */
@ApplicationScoped
public class DevSignIn {

    /** The key id the dev key has in the tests' identity provider; a PEM-configured server ignores it. */
    static final String KEY_ID = "dev-1";
    static final long TTL_SECONDS = 3600;
    static final List<String> ROLES = List.of("user", "company_admin", "auditor", "billing_admin");

    /** A dev token and when it expires. */
    public record Token(String token, Instant expiresAt) {
    }

    @Inject
    @ConfigProperty(name = "tollgate.dev.signing-key")
    Optional<String> keyFile;

    @Inject
    @ConfigProperty(name = "tollgate.jwt.issuer")
    String issuer;

    @Inject
    @ConfigProperty(name = "tollgate.jwt.audience")
    String audience;

    @Inject
    @ConfigProperty(name = "tollgate.jwt.company-claim")
    String companyClaim;

    @Inject
    Clock clock;

    private volatile PrivateKey key;

    public boolean enabled() {
        return keyFile.isPresent();
    }

    Token sign(String subject, String company, List<String> roles) {
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(TTL_SECONDS);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).subject(subject).claim("upn", subject)
                .claim(companyClaim, company).claim("groups", roles).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).expirationTime(Date.from(expires)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(KEY_ID).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key()));
        } catch (JOSEException e) {
            throw new IllegalStateException("the dev key cannot sign", e);
        }
        return new Token(jwt.serialize(), expires);
    }

    /** Reads the key now, so a key that is missing or unreadable stops the deployment, not a sign-in. */
    void load() {
        key();
    }

    private PrivateKey key() {
        if (key == null) {
            key = read(Path.of(keyFile.orElseThrow()));
        }
        return key;
    }

    private static PrivateKey read(Path pem) {
        try {
            String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dev signing key " + pem, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the dev signing key " + pem + " is not a PKCS#8 RSA key", e);
        }
    }
}
