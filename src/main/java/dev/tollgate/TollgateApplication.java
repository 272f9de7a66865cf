package dev.tollgate;

import dev.tollgate.auth.Policies;
import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The public API of the gateway. Every caller is authenticated by a MicroProfile JWT or an API key. */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT", realmName = "tollgate")
@DeclareRoles({Policies.USER, Policies.COMPANY_ADMIN, Policies.AUDITOR, Policies.BILLING_ADMIN, Policies.OPERATOR})
@OpenAPIDefinition(
        info = @Info(title = "Tollgate", version = "1",
                description = "An LLM chat gateway: the single public entry point in front of private LLM services. "
                        + "It authenticates callers (bearer JWT from the company's identity provider, or a service's "
                        + "tg_ API key), keeps users to "
                        + "their own sessions, holds and books credits in a ledger, audits usage (never prompt text) "
                        + "and relays the model's tokens as Server-Sent Events. Every error is application/problem+json "
                        + "with a request_id; every answer carries X-Request-Id."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "A JWT from the company's identity provider: issuer, audience and signature checked; "
                + "the user is sub, the roles are groups, the company is company_id (all configurable). "
                + "Or an API key (tg_...) a company admin made at /api/v1/admin/api-keys: its service user, "
                + "roles and models")
@SecurityScheme(securitySchemeName = "webhookSignature", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "X-Tollgate-Signature",
        description = "sha256=HEX(HMAC-SHA256(secret, X-Tollgate-Timestamp + \".\" + body)), timestamp within five minutes")
public class TollgateApplication extends Application {
}
