package dev.tollgate.turn;

import dev.tollgate.platform.ProblemType;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * A front's side of a running turn: how each event becomes bytes on its wire. Events come in
 * order: {@code started}, then {@code token}s, then either {@code usage} and {@code finished}, or
 * {@code failed}; then {@code close}. Each returns the stage of its write: the next token is asked
 * of the LLM service once a token's stage completes, and a stage that fails means the client left.
 */
public interface TurnEvents {

    /**
     * The answer's ids, known before the first token; {@code notice} is null or tells of a
     * recreated session; {@code serverTiming} is the Server-Timing header's value.
     */
    record Started(String requestId, UUID sessionId, Notice notice, String serverTiming) {
    }

    /** Something the client should know that is not an error. */
    record Notice(String code, String message) {
    }

    /** What the answer used and cost, once settled, and the pool's balance after it. */
    record Usage(int promptTokens, int completionTokens, long creditsCharged, long balance) {
    }

    /** The answer is whole. */
    record Finished(long responseTimeMs, long gatewayOverheadMs, String finishReason) {
    }

    /** The answer ended early; what it delivered is paid for. */
    record Failed(ProblemType type, String message, Duration retryAfter) {
    }

    CompletionStage<?> started(Started started);

    /** The {@code index}th token (from 1). */
    CompletionStage<?> token(int index, String text);

    /** A delta of the model's tool calls, as the server sent it (OpenAI's {@code tool_calls} array, JSON). */
    CompletionStage<?> toolCalls(String json);

    CompletionStage<?> usage(Usage usage);

    CompletionStage<?> finished(Finished finished);

    CompletionStage<?> failed(Failed failed);

    /** Nothing was written for a while: keep idle proxies from closing the connection, if the wire can. */
    CompletionStage<?> heartbeat();

    /** The turn is over: let go of the connection. */
    void close();
}
