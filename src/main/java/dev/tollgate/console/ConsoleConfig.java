package dev.tollgate.console;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the console page is told before anyone signs in: the identity provider to sign in with
 * (OpenID Connect authorization code with PKCE, a public client), and whether this server offers
 * the dev sign-in, and which claim of a token names the company (the page shows it). Nothing in
 * it is secret: a public client has no secret.
 */
@ApplicationScoped
public class ConsoleConfig {

    @Inject
    @ConfigProperty(name = "tollgate.console.oidc.issuer")
    String issuer;

    @Inject
    @ConfigProperty(name = "tollgate.console.oidc.client-id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "tollgate.console.oidc.scope")
    String scope;

    @Inject
    @ConfigProperty(name = "tollgate.jwt.company-claim")
    String companyClaim;

    @Inject
    DevSignIn dev;

    private String json;
    private String policy;

    /** The configuration does not change while the application runs: both answers are made once. */
    @PostConstruct
    void init() {
        json = describe();
        policy = policy();
    }

    String json() {
        return json;
    }

    String contentSecurityPolicy() {
        return policy;
    }

    private String describe() {
        JsonObjectBuilder out = Json.createObjectBuilder().add("dev_sign_in", dev.enabled())
                .add("company_claim", companyClaim);
        clientId.ifPresentOrElse(
                client -> out.add("oidc", Json.createObjectBuilder()
                        .add("issuer", issuer).add("client_id", client).add("scope", scope)),
                () -> out.addNull("oidc"));
        return out.build().toString();
    }

    /**
     * No inline script or style, nothing from another origin but the identity provider's token and
     * discovery endpoints, no framing, no plugins, forms posting nowhere.
     */
    private String policy() {
        String connect = clientId.isPresent() ? "'self' " + origin(issuer) : "'self'";
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                + "connect-src " + connect + "; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
