package dev.tollgate.credits;

import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.JsonTypes;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Usage the LLM service reports for calls that did not pass through Tollgate (Option B direct
 * streams). Authenticated by an HMAC signature, not a user token: {@code X-Tollgate-Signature:
 * sha256=HEX} over {@code TIMESTAMP + "." + BODY} with the shared secret, and a timestamp within
 * five minutes. An event id is booked once however often it is delivered.
 */
@Path("api/v1/webhooks/usage")
@RequestScoped
@PermitAll
public class UsageWebhookResource {

    public record UsageEvent(String eventId, String companyId, String userId, String requestId, String model,
                             Long promptTokens, Long completionTokens) {
    }

    public record Booked(String eventId, long credits, boolean booked) {
    }

    @Inject
    WebhookSignature signature;

    @Inject
    Pricing pricing;

    @Inject
    CreditLedger ledger;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "webhookSignature")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = UsageEvent.class)))
    @APIResponse(responseCode = "201", description = "Booked now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Booked.class)))
    @APIResponse(responseCode = "200", description = "Booked before under this event id: nothing new",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Booked.class)))
    public Response usage(String body, @HeaderParam("X-Tollgate-Timestamp") String timestamp,
                          @HeaderParam("X-Tollgate-Signature") String signed) {
        signature.verify(timestamp, body, signed);
        UsageEvent event = parse(body);
        long credits = pricing.cost(pricing.model(event.model()), event.promptTokens(), event.completionTokens());
        boolean booked = ledger.bookReportedUsage(event.companyId(), event.userId(), event.requestId(), credits,
                "usage:" + event.eventId());
        return Response.status(booked ? 201 : 200).entity(new Booked(event.eventId(), credits, booked)).build();
    }

    private static UsageEvent parse(String body) {
        UsageEvent event;
        try {
            event = JsonTypes.read(body, UsageEvent.class, JsonFormat.JSONB);
        } catch (JsonbException e) {
            throw new ProblemException(ProblemType.MALFORMED_BODY, "The usage event is not valid JSON of the expected shape.");
        }
        if (event == null || blank(event.eventId()) || blank(event.companyId()) || event.promptTokens() == null
                || event.completionTokens() == null || event.promptTokens() < 0 || event.completionTokens() < 0
                || event.eventId().length() > 200 || event.companyId().length() > 255
                || (event.userId() != null && event.userId().length() > 255)
                || (event.requestId() != null && event.requestId().length() > 64)) {
            throw new ProblemException(ProblemType.INVALID_USAGE_EVENT,
                    "event_id, company_id and non-negative prompt_tokens and completion_tokens are required.");
        }
        return event;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
