package dev.tollgate.llm.client;

import dev.tollgate.catalog.Deployment;
import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.TokenStream;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Token streams from the LLM service, read without parking a thread per stream, with Jetty's HTTP
 * client. It replaced the JDK HttpClient, which used more than twice the CPU per answer and took
 * twice as long to the first byte (docs/performance-log.md). The MicroProfile REST
 * client's SSE support holds an executor thread per open stream (docs/architecture.md). HTTP/1.1,
 * without compression: tokens must not wait in a decoder's buffer.
 */
@ApplicationScoped
public class StreamingChatClient {

    @Inject
    @ConfigProperty(name = "tollgate.llm.connect-timeout")
    Duration connectTimeout;

    /** A connection that carries nothing for this long is closed (a stream's own gaps are watched for much less). */
    @Inject
    @ConfigProperty(name = "tollgate.llm.idle-timeout")
    Duration idleTimeout;

    @Inject
    @ConfigProperty(name = "tollgate.llm.stream-threads")
    int streamThreads;

    /** Open upstream streams are limited by tollgate.stream.max-open; this only bounds the pool. */
    @Inject
    @ConfigProperty(name = "tollgate.llm.max-connections")
    int maxConnections;

    /** Threads with the application's context, so what callbacks trigger may use CDI, JPA and JTA. */
    @Resource
    ManagedThreadFactory threads;

    private QueuedThreadPool callbacks;
    private ScheduledExecutorService timers;
    private HttpClient http;

    /**
     * Stream callbacks get a small pool of their own. On Liberty's shared executor they queued
     * behind request threads that wait for a first token, which only those callbacks deliver.
     */
    @PostConstruct
    void init() {
        callbacks = new QueuedThreadPool(streamThreads, Math.min(2, streamThreads), 60_000, -1,
                new LinkedBlockingQueue<>(), null, threads);
        callbacks.setName("tollgate-llm");
        http = new HttpClient();
        http.setExecutor(callbacks);
        // Jetty's default pool keeps as many buffers of a size as the executor has threads: with
        // hundreds of streams reading at once, most reads got a new direct buffer (zeroed, and
        // fresh pages). Unbounded buckets, within Jetty's memory heuristic, reuse them.
        http.setByteBufferPool(new ArrayByteBufferPool(0, 2048, 65536, -1, 0, 0));
        timers = Executors.newSingleThreadScheduledExecutor(threads);
        http.setScheduler(new ScheduledExecutorScheduler(timers));
        http.setConnectTimeout(connectTimeout.toMillis());
        http.setIdleTimeout(idleTimeout.toMillis());
        http.setMaxConnectionsPerDestination(maxConnections);
        http.setMaxRequestsQueuedPerDestination(maxConnections);
        http.setFollowRedirects(false);
        http.setUserAgentField(null);
        http.getContentDecoderFactories().clear();
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client for the LLM service", e);
        }
    }

    @PreDestroy
    void close() throws Exception {
        http.stop(); // and its pool
        timers.shutdownNow(); // ours, whatever Jetty's scheduler does with an executor it was given
    }

    /**
     * The answer from one deployment, in its own wire: completes when the first event arrived, or
     * fails with a typed LlmException. An OpenAI-compatible server gets its key from the
     * environment variable the catalog names (as a bearer token, or Azure's {@code api-key}).
     */
    public CompletableFuture<TokenStream> open(Deployment deployment, ChatPrompt prompt) {
        if (deployment.kind() == Deployment.Kind.SEED) {
            Request request = http.POST(deployment.url() + "/chat/stream")
                    .headers(headers -> headers.put(HttpHeader.ACCEPT, "text/event-stream")
                            .put("X-Request-Id", prompt.requestId()))
                    .body(new StringRequestContent("application/json", ChatWire.requestBody(prompt)));
            return UpstreamStream.open(request, callbacks, ChatWire.SEED);
        }
        String azure = deployment.azureApiVersion();
        String key = deployment.apiKeyEnv() == null ? null : System.getenv(deployment.apiKeyEnv());
        Request request = http.POST(deployment.url() + "/chat/completions"
                        + (azure == null ? "" : "?api-version=" + URLEncoder.encode(azure, StandardCharsets.UTF_8)))
                .headers(headers -> {
                    headers.put(HttpHeader.ACCEPT, "text/event-stream").put("X-Request-Id", prompt.requestId());
                    if (key != null && azure != null) {
                        headers.put("api-key", key);
                    } else if (key != null) {
                        headers.put(HttpHeader.AUTHORIZATION, "Bearer " + key);
                    }
                })
                .body(new StringRequestContent("application/json", OpenAiWire.requestBody(prompt, deployment.model())));
        return UpstreamStream.open(request, callbacks, OpenAiWire.WIRE);
    }
}
