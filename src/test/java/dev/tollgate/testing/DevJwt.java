package dev.tollgate.testing;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Signs RS256 tokens the way an identity provider would, for bin/dev and the tests. Builders let
 * tests bend any claim (expiry, issuer, audience) to check that Tollgate refuses it.
 */
public final class DevJwt {

    public static final String ISSUER = "https://idp.tollgate.local";
    public static final String AUDIENCE = "tollgate";
    /** The dev key's id in the test identity provider's JWKS. */
    public static final String DEV_KEY_ID = "dev-1";

    private String subject = "user-" + UUID.randomUUID();
    private String company = "company-" + UUID.randomUUID();
    private List<String> roles = List.of("user");
    private String issuer = ISSUER;
    private String audience = AUDIENCE;
    private Instant issuedAt = Instant.now();
    private long ttlSeconds = 3600;
    private Instant notBefore;
    private String keyId = DEV_KEY_ID;
    private PrivateKey key;

    public static DevJwt forNewUser() {
        return new DevJwt();
    }

    public DevJwt subject(String value) { this.subject = value; return this; }
    public DevJwt company(String value) { this.company = value; return this; }
    public DevJwt roles(List<String> value) { this.roles = value; return this; }
    public DevJwt issuer(String value) { this.issuer = value; return this; }
    public DevJwt audience(String value) { this.audience = value; return this; }
    public DevJwt issuedAt(Instant value) { this.issuedAt = value; return this; }
    public DevJwt ttlSeconds(long value) { this.ttlSeconds = value; return this; }
    public DevJwt signedWith(PrivateKey value) { this.key = value; return this; }
    public DevJwt notBefore(Instant value) { this.notBefore = value; return this; }
    public DevJwt keyId(String value) { this.keyId = value; return this; }

    public String subject() { return subject; }
    public String company() { return company; }

    public String sign(Path keysDir) {
        try {
            PrivateKey signingKey = key != null ? key : DevKeys.privateKey(keysDir);
            JsonObjectBuilder header = Json.createObjectBuilder().add("alg", "RS256").add("typ", "JWT");
            if (keyId != null) {
                header.add("kid", keyId);
            }
            String signingInput = b64(header.build().toString()) + "." + b64(claims());
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(signingKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign dev token", e);
        }
    }

    /** The payload as JSON, for tests that forge tokens around it. */
    public String claims() {
        JsonArrayBuilder groups = Json.createArrayBuilder();
        roles.forEach(groups::add);
        JsonObjectBuilder claims = Json.createObjectBuilder()
                .add("iss", issuer).add("aud", audience).add("sub", subject).add("upn", subject)
                .add("groups", groups)
                .add("iat", issuedAt.getEpochSecond()).add("exp", issuedAt.getEpochSecond() + ttlSeconds)
                .add("jti", UUID.randomUUID().toString());
        if (company != null) {
            claims.add("company_id", company);
        }
        if (notBefore != null) {
            claims.add("nbf", notBefore.getEpochSecond());
        }
        return claims.build().toString();
    }

    public static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** bin/dev token [--sub ID] [--company ID] [--roles a,b] [--ttl SECONDS] */
    public static void main(String[] args) throws Exception {
        Path keys = Path.of(args[0]);
        DevKeys.ensure(keys);
        DevJwt jwt = new DevJwt().subject("demo-user").company("demo-company");
        int users = 0;
        int companies = 1;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--sub" -> jwt.subject(args[i + 1]);
                case "--users" -> users = Integer.parseInt(args[i + 1]);
                case "--companies" -> companies = Integer.parseInt(args[i + 1]);
                case "--company" -> jwt.company(args[i + 1]);
                case "--roles" -> jwt.roles(List.of(args[i + 1].split(",")));
                case "--ttl" -> jwt.ttlSeconds(Long.parseLong(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (users == 0) {
            System.out.println(jwt.sign(keys));
            return;
        }
        // --users N: N tokens, one a line, for users SUB-1 ... SUB-N of the company, or spread
        // over COMPANY-0 ... COMPANY-(K-1) with --companies K
        String subject = jwt.subject();
        String company = jwt.company();
        for (int n = 1; n <= users; n++) {
            jwt.subject(subject + "-" + n).company(companies == 1 ? company : company + "-" + n % companies);
            System.out.println(jwt.sign(keys));
        }
    }
}
