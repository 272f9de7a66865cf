package dev.tollgate.batch;

import dev.tollgate.auth.CurrentCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /api/v1/admin/webhooks/secret}: the secret a company's webhook receiver checks signatures with. */
@Path("api/v1/admin/webhooks/secret")
@RequestScoped
@RolesAllowed("company_admin")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookSecretResource {

    /** The secret, and how a delivery is signed with it. */
    public record Secret(String secret, String signature) {
        static Secret of(String secret) {
            return new Secret(secret, "X-Tollgate-Signature: sha256=hex(HMAC-SHA256(secret, X-Tollgate-Timestamp + '.' + body))");
        }
    }

    @Inject
    CurrentCaller caller;

    @Inject
    WebhookSecrets secrets;

    @GET
    public Secret get() {
        return Secret.of(secrets.of(caller.get().companyId()));
    }

    @POST
    @Path("rotate")
    public Secret rotate() {
        return Secret.of(secrets.rotate(caller.get().companyId()));
    }
}
