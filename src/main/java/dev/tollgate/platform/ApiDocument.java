package dev.tollgate.platform;

import dev.tollgate.chat.StreamEvents;
import dev.tollgate.turn.TurnEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Makes the generated /openapi document say what the wire says: property names in snake_case as
 * JSON-B writes them, the problem+json answers each operation can give, and the event stream of
 * {@code /chat/stream}. Registered as {@code mp.openapi.filter}.
 */
public class ApiDocument implements OASFilter {

    private static final String PROBLEM = "#/components/schemas/Problem";

    /** Error statuses and what they mean, as components/responses. */
    private static final Map<Integer, String> ERRORS = Map.ofEntries(
            Map.entry(400, "The request is malformed: a bad body, field or parameter (errors names the fields)"),
            Map.entry(401, "No valid bearer token or API key (or, for the webhook, no valid signature)"),
            Map.entry(402, "The company's pool cannot pay, or a spending limit is reached (balance, required)"),
            Map.entry(403, "The token's or key's roles, company or models do not allow this"),
            Map.entry(404, "Not found, or not the caller's (the same answer for both)"),
            Map.entry(409, "The Idempotency-Key belongs to a request that failed before its answer began"),
            Map.entry(413, "The body is larger than the server accepts"),
            Map.entry(422, "Understood but refused: an unknown filter or model, or an invalid event"),
            Map.entry(429, "A rate limit or stream limit is used up; Retry-After says when to try again"),
            Map.entry(503, "The LLM service is failing or this server is full; Retry-After says when to try again"),
            Map.entry(504, "The LLM service gave no first token in time"));

    /** What an operation can answer beyond the rules in {@link #errorsOf}, by "METHOD path". */
    private static final Map<String, Set<Integer>> MORE = Map.of(
            "POST /api/v1/chat/stream", Set.of(402, 404, 409, 422, 503, 504),
            "POST /api/v1/chat", Set.of(402, 404, 409, 422, 503, 504),
            "POST /api/v1/llm-tokens", Set.of(402, 404, 422, 503),
            "POST /api/v1/sessions", Set.of(503),
            "GET /api/v1/sessions/{id}/messages", Set.of(503, 504),
            "DELETE /api/v1/sessions/{id}", Set.of(503),
            "POST /api/v1/admin/credits/reconciliation", Set.of(503),
            "POST /api/v1/webhooks/usage", Set.of(422, 503),
            "POST /api/v1/admin/api-keys", Set.of(422, 503));

    @Override
    public Schema filterSchema(Schema schema) {
        if (schema.getProperties() != null) {
            Map<String, Schema> named = new LinkedHashMap<>();
            schema.getProperties().forEach((name, property) -> named.put(JsonNames.snake(name), property));
            schema.setProperties(named);
        }
        if (schema.getRequired() != null) {
            schema.setRequired(schema.getRequired().stream().map(JsonNames::snake).toList());
        }
        return schema;
    }

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(OASFactory.createComponents());
        }
        api.getComponents().addSchema("Problem", ApiSchemas.of(Problem.class)
                .description("RFC 9457 problem details; request_id is always set"));
        ERRORS.forEach((status, meaning) -> api.getComponents().addResponse(String.valueOf(status),
                OASFactory.createAPIResponse().description(meaning).content(OASFactory.createContent()
                        .addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref(PROBLEM))))));
        Schema chat = api.getComponents().getSchemas() == null ? null : api.getComponents().getSchemas().get("ChatRequest");
        if (chat != null && chat.getProperties() != null && chat.getProperties().get("query") != null) {
            // the configured limit that @ChatText enforces, which the generator cannot read
            chat.getProperties().get("query").maxLength(ConfigProvider.getConfig()
                    .getOptionalValue("tollgate.chat.max-query-chars", Integer.class).orElse(16_000));
        }
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            for (int status : errorsOf(path, method, operation)) {
                operation.getResponses().addAPIResponse(String.valueOf(status),
                        OASFactory.createAPIResponse().ref("#/components/responses/" + status));
            }
            if (path.equals("/api/v1/chat/stream")) {
                operation.getResponses().removeAPIResponse("201");
                operation.getResponses().addAPIResponse("200", eventStream(api));
            }
        }));
    }

    private static Set<Integer> errorsOf(String path, PathItem.HttpMethod method, Operation operation) {
        Set<Integer> statuses = new TreeSet<>(MORE.getOrDefault(method + " " + path, Set.of()));
        boolean signed = path.startsWith("/api/v1/webhooks/");
        statuses.add(401);
        if (!signed) {
            statuses.addAll(List.of(403, 429));
        }
        if (operation.getRequestBody() != null) {
            statuses.addAll(List.of(400, 413));
        }
        if (operation.getParameters() != null && !operation.getParameters().isEmpty()) {
            statuses.add(400);
        }
        if (path.contains("{")) {
            statuses.add(404);
        }
        return statuses;
    }

    /** The stream's events (docs/streaming.md), each event's data as a schema of its own. */
    private static APIResponse eventStream(OpenAPI api) {
        Map<String, Class<?>> events = new LinkedHashMap<>();
        events.put("meta", StreamEvents.Meta.class);
        events.put("notice", TurnEvents.Notice.class);
        events.put("token", StreamEvents.Token.class);
        events.put("usage", TurnEvents.Usage.class);
        events.put("done", StreamEvents.Done.class);
        events.put("error", StreamEvents.Error.class);
        Schema oneOf = OASFactory.createSchema().description("""
                Server-Sent Events, in this order: meta; notice (when the session was recreated); token, one per \
                token, with id 1, 2, 3 …; then usage and done, or an error that ends the stream. Comment lines are \
                heartbeats. The data of each event is JSON of the schema named after it.""");
        events.forEach((name, type) -> {
            String schemaName = "StreamEvent" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
            api.getComponents().addSchema(schemaName, ApiSchemas.of(type).title(name)
                    .description("data of the '" + name + "' event"));
            oneOf.addOneOf(OASFactory.createSchema().ref("#/components/schemas/" + schemaName));
        });
        Content content = OASFactory.createContent().addMediaType("text/event-stream",
                OASFactory.createMediaType().schema(oneOf));
        return OASFactory.createAPIResponse().description("The answer, streamed as it is generated").content(content);
    }
}
