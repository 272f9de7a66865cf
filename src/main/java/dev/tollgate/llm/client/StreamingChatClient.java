package dev.tollgate.llm.client;

import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.TokenStream;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Token streams from the LLM service, read without parking a thread per stream: the JDK
 * HttpClient's async API with a line subscriber. (The MicroProfile REST client's SSE support holds
 * an executor thread per open stream; measured in docs/architecture.md.) HTTP/1.1 is forced: the
 * default h2c upgrade attempt pinned a thread per connection.
 */
@ApplicationScoped
public class StreamingChatClient {

    @Inject
    @ConfigProperty(name = "tollgate.llm.url")
    String baseUrl;

    @Inject
    @ConfigProperty(name = "tollgate.llm.connect-timeout", defaultValue = "PT2S")
    Duration connectTimeout;

    @Inject
    @ConfigProperty(name = "tollgate.llm.first-token-timeout-ms", defaultValue = "30000")
    long firstTokenTimeoutMs;

    @Inject
    @ConfigProperty(name = "tollgate.llm.stream-threads", defaultValue = "8")
    int streamThreads;

    /** Threads with the application's context, so what callbacks trigger may use CDI, JPA and JTA. */
    @Resource
    ManagedThreadFactory threads;

    private ExecutorService callbacks;
    private HttpClient http;

    /**
     * Stream callbacks get a small pool of their own. On Liberty's shared executor they queued
     * behind request threads that wait for a first token, which only those callbacks deliver.
     */
    @PostConstruct
    void init() {
        callbacks = Executors.newFixedThreadPool(streamThreads, threads);
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .executor(callbacks)
                .build();
    }

    @PreDestroy
    void close() {
        callbacks.shutdown();
    }

    /** Completes when the first event arrived, or fails with a typed LlmException. */
    public CompletableFuture<TokenStream> open(ChatPrompt prompt) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/stream"))
                .timeout(Duration.ofMillis(firstTokenTimeoutMs)) // bounds the wait for response headers
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("X-Request-Id", prompt.requestId())
                .POST(HttpRequest.BodyPublishers.ofString(ChatWire.requestBody(prompt)))
                .build();
        UpstreamStream stream = new UpstreamStream();
        http.sendAsync(request, info -> info.statusCode() == 200
                        ? BodySubscribers.fromLineSubscriber(stream, s -> null, StandardCharsets.UTF_8, null)
                        : BodySubscribers.replacing(null))
                .whenComplete((response, error) -> {
                    if (error != null) {
                        stream.end(UpstreamErrors.unreachable(error.getCause() != null ? error.getCause() : error));
                    } else if (response.statusCode() != 200) {
                        stream.end(UpstreamErrors.fromStatus(response.statusCode(),
                                response.headers().firstValue("Retry-After").orElse(null)));
                    }
                });
        return stream.started();
    }
}
