package dev.tollgate.openai;

import dev.tollgate.platform.JsonFormat;
import dev.tollgate.turn.TurnEvents;
import dev.tollgate.turn.WholeAnswer;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** The parts of OpenAI's completion objects that Tollgate fills in. */
final class Completions {

    private Completions() {
    }

    /** What every chunk of one completion shares: its id, its creation second and its model. */
    record Ids(String id, long created, String model, String requestId) {

        static Ids of(String requestId, long createdEpochSecond, String model) {
            return new Ids("chatcmpl-" + requestId, createdEpochSecond, model, requestId);
        }

        JsonObjectBuilder frame() {
            return JsonFormat.JSON.createObjectBuilder().add("id", id).add("object", "chat.completion.chunk")
                    .add("created", created).add("model", model);
        }
    }

    static JsonObject usage(TurnEvents.Usage usage) {
        return JsonFormat.JSON.createObjectBuilder().add("prompt_tokens", usage.promptTokens())
                .add("completion_tokens", usage.completionTokens())
                .add("total_tokens", usage.promptTokens() + usage.completionTokens()).build();
    }

    /** A whole {@code chat.completion}. */
    /** The assistant's message: its text, and the tool calls it made (their deltas joined) when it made any. */
    private static JsonObjectBuilder message(WholeAnswer.Outcome answer) {
        JsonObjectBuilder message = JsonFormat.JSON.createObjectBuilder().add("role", "assistant");
        if (answer.toolCalls().isEmpty()) {
            return message.add("content", answer.content()).addNull("refusal");
        }
        if (answer.content().isEmpty()) {
            message.addNull("content");
        } else {
            message.add("content", answer.content());
        }
        return message.addNull("refusal").add("tool_calls", ToolCalls.joined(answer.toolCalls()));
    }

    static JsonObject whole(Ids ids, WholeAnswer.Outcome answer) {
        JsonObjectBuilder completion = JsonFormat.JSON.createObjectBuilder().add("id", ids.id())
                .add("object", "chat.completion").add("created", ids.created()).add("model", ids.model())
                .add("choices", JsonFormat.JSON.createArrayBuilder().add(JsonFormat.JSON.createObjectBuilder()
                        .add("index", 0)
                        .add("message", message(answer))
                        .addNull("logprobs")
                        .add("finish_reason", answer.finished().finishReason())));
        if (answer.usage() != null) {
            completion.add("usage", usage(answer.usage()));
        }
        return completion.build();
    }
}
