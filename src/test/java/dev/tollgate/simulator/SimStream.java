package dev.tollgate.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One simulated answer. Tokens are written from a shared scheduler rather than a thread per
 * stream, so the simulator itself holds a thousand slow streams without a thousand threads.
 */
final class SimStream {

    private final HttpExchange exchange;
    private final SimScript script;
    private final String query;
    private final ScheduledExecutorService clock;
    private final Runnable onCancel;
    private final Consumer<String> onAnswer;
    private final java.util.function.IntConsumer onUsage;
    private final StringBuilder answer = new StringBuilder();
    /** Set for OpenAI's wire: the answer's id and model, which every chunk carries. */
    private String openAiId;
    private String openAiModel;
    /** Set when the answer is a call of this tool rather than text (OpenAI's wire only). */
    private String toolName;
    private OutputStream out;

    SimStream(HttpExchange exchange, SimScript script, String query, ScheduledExecutorService clock,
              Runnable onCancel, Consumer<String> onAnswer, java.util.function.IntConsumer onUsage) {
        this.exchange = exchange;
        this.script = script;
        this.query = query;
        this.clock = clock;
        this.onCancel = onCancel;
        this.onAnswer = onAnswer;
        this.onUsage = onUsage;
    }

    /** Frames the answer as OpenAI's chat.completion.chunk events instead of the seed's. */
    SimStream openAi(String id, String model) {
        this.openAiId = id;
        this.openAiModel = model;
        return this;
    }

    /** The answer calls this tool: its name, then its arguments in two pieces, then finish_reason tool_calls. */
    SimStream callingTool(String name) {
        this.toolName = name;
        return this;
    }

    /** The argument pieces a simulated tool call streams; joined they are {@code {"q":"sim"}}. */
    static final java.util.List<String> TOOL_ARGUMENTS = java.util.List.of("{\"q\":", "\"sim\"}");

    void start() throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        out = exchange.getResponseBody();
        if (script.fault() == SimScript.Fault.STALL) {
            return; // headers sent, then silence until the client gives up
        }
        clock.schedule(() -> emit(0), script.ttftMs(), TimeUnit.MILLISECONDS);
    }

    void answerWhole() throws IOException {
        int count = tokenCount();
        for (int i = 0; i < count; i++) {
            answer.append(token(i));
        }
        onAnswer.accept(answer.toString());
        onUsage.accept(count);
        LlmSimulator.json(exchange, 200, LlmSimulator.JSON.createObjectBuilder()
                .add("content", answer.toString())
                .add("usage", LlmSimulator.usage(SimText.promptTokens(query), count))
                .add("finish_reason", "stop").build());
    }

    private void emit(int index) {
        try {
            if (script.fault() == SimScript.Fault.DISCONNECT && index == script.disconnectAfter()) {
                exchange.close(); // an abrupt end: no usage, no [DONE]
                return;
            }
            onUsage.accept(index); // what the service would bill so far, even if the stream is cut off
            if (openAiId != null && index == 0) {
                write(chunk(LlmSimulator.JSON.createObjectBuilder().add("role", "assistant").add("content", ""), null));
            }
            if (toolName != null) {
                callTool();
                return;
            }
            if (index < tokenCount()) {
                String token = token(index);
                answer.append(token);
                write(openAiId != null ? chunk(LlmSimulator.JSON.createObjectBuilder().add("content", token), null)
                        : LlmSimulator.JSON.createObjectBuilder().add("content", token).build().toString());
                clock.schedule(() -> emit(index + 1), script.delayMs(), TimeUnit.MILLISECONDS);
                return;
            }
            if (openAiId != null) {
                write(chunk(LlmSimulator.JSON.createObjectBuilder(), "stop"));
                if (!script.noUsage()) {
                    write(LlmSimulator.JSON.createObjectBuilder().add("id", openAiId).add("object", "chat.completion.chunk")
                            .add("model", openAiModel).add("choices", LlmSimulator.JSON.createArrayBuilder())
                            .add("usage", LlmSimulator.usage(SimText.promptTokens(query), index)
                                    .add("total_tokens", SimText.promptTokens(query) + index)).build().toString());
                }
            } else {
                write(LlmSimulator.JSON.createObjectBuilder()
                        .add("usage", LlmSimulator.usage(SimText.promptTokens(query), index)).build().toString());
            }
            write("[DONE]");
            onAnswer.accept(answer.toString());
            exchange.close();
        } catch (IOException e) {
            onCancel.run();
            exchange.close();
        }
    }

    private void callTool() throws IOException {
        var first = LlmSimulator.JSON.createObjectBuilder().add("index", 0).add("id", "call_sim").add("type", "function")
                .add("function", LlmSimulator.JSON.createObjectBuilder().add("name", toolName).add("arguments", ""));
        write(chunk(LlmSimulator.JSON.createObjectBuilder().add("tool_calls", LlmSimulator.JSON.createArrayBuilder().add(first)), null));
        for (String piece : TOOL_ARGUMENTS) {
            var part = LlmSimulator.JSON.createObjectBuilder().add("index", 0)
                    .add("function", LlmSimulator.JSON.createObjectBuilder().add("arguments", piece));
            write(chunk(LlmSimulator.JSON.createObjectBuilder().add("tool_calls", LlmSimulator.JSON.createArrayBuilder().add(part)), null));
        }
        write(chunk(LlmSimulator.JSON.createObjectBuilder(), "tool_calls"));
        write(LlmSimulator.JSON.createObjectBuilder().add("id", openAiId).add("object", "chat.completion.chunk")
                .add("model", openAiModel).add("choices", LlmSimulator.JSON.createArrayBuilder())
                .add("usage", LlmSimulator.usage(SimText.promptTokens(query), 3)).build().toString());
        write("[DONE]");
        onUsage.accept(3);
        exchange.close();
    }

    private String chunk(jakarta.json.JsonObjectBuilder delta, String finishReason) {
        var choice = LlmSimulator.JSON.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finishReason == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finishReason);
        }
        return LlmSimulator.JSON.createObjectBuilder().add("id", openAiId).add("object", "chat.completion.chunk")
                .add("created", System.currentTimeMillis() / 1000).add("model", openAiModel)
                .add("choices", LlmSimulator.JSON.createArrayBuilder().add(choice)).build().toString();
    }

    private int tokenCount() {
        String[] words = fixedWords();
        return words != null ? words.length : script.tokens();
    }

    private String token(int index) {
        String[] words = fixedWords();
        if (words != null) {
            return index == 0 ? words[0] : " " + words[index];
        }
        return SimText.token(query, index);
    }

    /** The words of an answer whose text is given, not generated. */
    private String[] fixedWords() {
        if (script.noResults()) {
            return SimText.NO_RESULTS.split(" ");
        }
        return script.echo() ? SimText.echo(query).split(" ") : null;
    }

    private void write(String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
