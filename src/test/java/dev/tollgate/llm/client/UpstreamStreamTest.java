package dev.tollgate.llm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmRateLimited;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.llm.Usage;
import dev.tollgate.simulator.LlmSimulator;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The upstream stream's reading loop, with Jetty's client against the project's simulator over
 * real HTTP: order, backpressure, failures before and after the first event, and letting go.
 */
class UpstreamStreamTest {

    private static LlmSimulator sim;
    private static HttpClient http;
    private static ExecutorService resume;

    @BeforeAll
    static void start() throws Exception {
        sim = new LlmSimulator(0).start();
        http = new HttpClient();
        http.getContentDecoderFactories().clear();
        http.start();
        resume = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() throws Exception {
        http.stop();
        sim.close();
        resume.shutdownNow();
    }

    /** A sink that records what it is given; token writes finish when {@link #writes} says. */
    static final class Recorder implements TokenSink {
        final List<String> tokens = new CopyOnWriteArrayList<>();
        final List<Usage> usage = new CopyOnWriteArrayList<>();
        final CompletableFuture<LlmException> failed = new CompletableFuture<>();
        final CompletableFuture<Void> completed = new CompletableFuture<>();
        volatile CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);

        @Override
        public CompletionStage<?> token(String content) {
            tokens.add(content);
            return writes;
        }

        @Override
        public CompletionStage<?> toolCalls(String json) {
            return writes;
        }

        @Override
        public void finishReason(String reason) {
            // the seed's wire has none
        }

        @Override
        public void usage(Usage reported) {
            usage.add(reported);
        }

        @Override
        public void complete() {
            completed.complete(null);
        }

        @Override
        public void fail(LlmException failure) {
            failed.complete(failure);
        }
    }

    private static String newSession() throws Exception {
        String id = UUID.randomUUID().toString();
        call(HttpRequest.newBuilder(URI.create(base() + "/sessions/" + id)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"u\",\"company_id\":\"c\"}")));
        return id;
    }

    private static JsonObject call(HttpRequest.Builder request) throws Exception {
        String body = java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.isEmpty() ? null : Json.createReader(new StringReader(body)).readObject();
    }

    /** Tokens the simulator has sent for a request so far (what it would bill). */
    private static int sentTokens(String requestId) throws Exception {
        return call(HttpRequest.newBuilder(URI.create(base() + "/usage/" + requestId))).getInt("completion_tokens", 0);
    }

    /** The answer as the simulator keeps it in the session's history. */
    private static String answerIn(String session) throws Exception {
        JsonArray messages = call(HttpRequest.newBuilder(URI.create(base() + "/sessions/" + session + "/messages")))
                .getJsonArray("messages");
        return messages.getJsonObject(messages.size() - 1).getString("content");
    }

    private static String base() {
        return "http://127.0.0.1:" + sim.port();
    }

    private static CompletableFuture<TokenStream> open(String requestId, String query) throws Exception {
        return open(newSession(), requestId, query);
    }

    private static CompletableFuture<TokenStream> open(String session, String requestId, String query) {
        String body = "{\"session_id\":\"" + session + "\",\"model\":\"m\",\"query\":\"" + query + "\",\"max_tokens\":512}";
        return UpstreamStream.open(http.POST(base() + "/chat/stream")
                .headers(h -> h.put("X-Request-Id", requestId))
                .body(new StringRequestContent("application/json", body)), resume, ChatWire.SEED);
    }

    @Test
    void tokensUsageAndTheEndArriveInOrder() throws Exception {
        Recorder sink = new Recorder();
        String session = newSession();
        open(session, "order", "q [[sim tokens=40 delay_ms=0]]").get(10, TimeUnit.SECONDS).forwardTo(sink);

        sink.completed.get(10, TimeUnit.SECONDS);
        assertThat(sink.tokens).hasSize(40);
        assertThat(String.join("", sink.tokens)).isEqualTo(answerIn(session));
        assertThat(sink.usage).singleElement().satisfies(u -> assertThat(u.completionTokens()).isEqualTo(40));
        assertThat(sink.failed).isNotDone();
    }

    @Test
    void nothingMoreIsReadWhileATokensWriteIsUnfinished() throws Exception {
        Recorder sink = new Recorder();
        CompletableFuture<Void> slowWrite = new CompletableFuture<>();
        sink.writes = slowWrite;
        open("slow-client", "q [[sim tokens=30 delay_ms=0]]").get(10, TimeUnit.SECONDS).forwardTo(sink);

        // the simulator has sent all 30 tokens; the client has taken one
        await().atMost(Duration.ofSeconds(10)).until(() -> sentTokens("slow-client") == 30);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> sink.tokens.size() == 1);

        sink.writes = CompletableFuture.completedFuture(null);
        slowWrite.complete(null);
        sink.completed.get(10, TimeUnit.SECONDS);
        assertThat(sink.tokens).hasSize(30);
    }

    @Test
    void aStatusBeforeTheFirstEventFailsTheStartWithItsRetryAdvice() {
        assertThatThrownBy(() -> open("busy", "q [[sim fault=http429]]").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(LlmRateLimited.class,
                        limited -> assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void anAbruptEndAfterTokensFailsTheSinkAfterDeliveringThem() throws Exception {
        Recorder sink = new Recorder();
        open("cut", "q [[sim tokens=10 delay_ms=0 disconnect_after=4]]").get(10, TimeUnit.SECONDS).forwardTo(sink);

        assertThat(sink.failed.get(10, TimeUnit.SECONDS)).isInstanceOf(LlmUnavailable.class);
        assertThat(sink.tokens).hasSize(4);
        assertThat(sink.completed).isNotDone();
    }

    @Test
    void cancellingClosesTheUpstreamConnection() throws Exception {
        Recorder sink = new Recorder();
        TokenStream stream = open("gone", "q [[sim tokens=200 delay_ms=20]]").get(10, TimeUnit.SECONDS);
        stream.forwardTo(sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.tokens.size() >= 2);

        stream.cancel();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.cancelled().contains("gone"));
        assertThat(sink.completed).isNotDone();
    }

    @Test
    void aCallerThatStopsWaitingForTheFirstEventLetsGoOfTheRequest() throws Exception {
        CompletableFuture<TokenStream> started = open("impatient", "q [[sim ttft_ms=500 tokens=50 delay_ms=5]]");
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.seen().stream().anyMatch(s -> "impatient".equals(s.requestId())));
        started.cancel(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.cancelled().contains("impatient"));
    }
}
