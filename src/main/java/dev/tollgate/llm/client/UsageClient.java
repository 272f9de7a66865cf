package dev.tollgate.llm.client;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The LLM service's record of what one request used (docs/llm-service-api.md). */
@RegisterRestClient(configKey = "llm")
@RegisterProvider(LlmErrorMapper.class)
@Path("/usage")
@Produces(MediaType.APPLICATION_JSON)
public interface UsageClient {

    record RequestUsage(@JsonbProperty("prompt_tokens") int promptTokens,
                        @JsonbProperty("completion_tokens") int completionTokens) {
    }

    @GET
    @Path("/{requestId}")
    RequestUsage of(@PathParam("requestId") String requestId);

    record Item(@JsonbProperty("request_id") String requestId, @JsonbProperty("company_id") String companyId,
                @JsonbProperty("user_id") String userId, String model,
                @JsonbProperty("prompt_tokens") int promptTokens, @JsonbProperty("completion_tokens") int completionTokens) {
    }

    record Report(java.util.List<Item> items) {
    }

    @GET
    Report between(@jakarta.ws.rs.QueryParam("from") String from, @jakarta.ws.rs.QueryParam("to") String to);
}
