package dev.tollgate.direct;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.auth.Policies;
import dev.tollgate.platform.CurrentRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code POST /api/v1/llm-tokens}: a token to talk to the LLM service directly about one session. */
@Path("api/v1/llm-tokens")
@RequestScoped
@RolesAllowed(Policies.USER)
@Produces(MediaType.APPLICATION_JSON)
public class LlmTokenResource {

    public record TokenRequest(@NotNull UUID sessionId, @Min(1) @Max(8192) Integer maxTokens,
                               @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9._:/-]+") String model) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Inject
    LlmTokens tokens;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "A token for one session and token budget, its credits held",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LlmTokens.Issued.class)))
    public Response issue(@Valid @NotNull TokenRequest body) {
        return Response.status(201)
                .entity(tokens.issue(caller.get(), body.sessionId(), body.maxTokens(), body.model(), request.id()))
                .build();
    }
}
