package dev.tollgate.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the private LLM service (docs/llm-service-api.md), served over real HTTP.
 * It lives in test sources on purpose: it is never packaged into tollgate.war, so a production
 * deployment cannot reach it. Tests start it in the failsafe JVM; bin/dev runs {@link #main}.
 */
public final class LlmSimulator implements AutoCloseable {

    /** JSON-P looked up once: {@code Json.createObjectBuilder()} looks the provider up on every call. */
    static final JsonProvider JSON = JsonProvider.provider();

    /** What the simulator saw of one call, for tests to assert on. */
    /** How often each flaky query was asked ({@code [[sim flaky=N]]}). */
    private final Map<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();

    public record SeenRequest(String method, String path, String requestId, String sessionId) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(daemon("sim-http"));
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, daemon("sim-clock"));
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final Map<String, Used> usageByRequest = new ConcurrentHashMap<>();
    /** OpenAI-wire servers by path prefix ("/a" serves /a/v1/chat/completions) that answer with this status. */
    private final Map<String, Integer> broken = new ConcurrentHashMap<>();
    /** The bodies OpenAI-wire requests carried, by request id. */
    private final Map<String, JsonObject> openAiBodies = new ConcurrentHashMap<>();
    private volatile String openAiKey;
    /** How each OpenAI-wire request carried its key ("bearer" or "api-key") and its query string. */
    private final Map<String, String> openAiCalls = new ConcurrentHashMap<>();
    private volatile DirectAccess direct;

    /** What the service used for one request, as its usage report shows it. */
    record Used(String companyId, String userId, String model, int promptTokens, int completionTokens, Instant at) {
    }

    record Session(String userId, String companyId, Instant createdAt, List<JsonObject> messages) {
    }

    public LlmSimulator(int port) throws IOException {
        // Without TCP_NODELAY each small token write waits on the peer's delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // The JDK server keeps at most 200 idle keep-alive connections and closes the rest, which
        // clients with more pooled connections (a benchmark at C=200, Tollgate beside it) then
        // reuse and find closed: "header parser received no bytes".
        System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(handlers);
        server.createContext("/", this::route);
    }

    public LlmSimulator start() {
        server.start();
        return this;
    }

    /** Accepts browsers' direct calls with tokens Tollgate signed (Option B). */
    public LlmSimulator withDirectAccess(DirectAccess access) {
        this.direct = access;
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<SeenRequest> seen() {
        return List.copyOf(seen);
    }

    /** Request ids of streams whose client (Tollgate) went away before the end. */
    public List<String> cancelled() {
        return List.copyOf(cancelled);
    }

    public boolean hasSession(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    /** What the service reports a request used, as if it had served it (tests of abandoned holds). */
    public void recordUsage(String requestId, int promptTokens, int completionTokens) {
        recordUsage(requestId, null, null, "sim-1", promptTokens, completionTokens);
    }

    /** Usage the service billed, e.g. for a direct call Tollgate never saw (reconciliation tests). */
    public void recordUsage(String requestId, String companyId, String userId, String model, int promptTokens,
                            int completionTokens) {
        usageByRequest.put(requestId, new Used(companyId, userId, model, promptTokens, completionTokens, Instant.now()));
    }

    /** OpenAI-wire requests must carry this bearer key, as a real server's would. */
    public LlmSimulator withOpenAiKey(String key) {
        this.openAiKey = key;
        return this;
    }

    /** For {@link #breakServer}: the server sends its headers and then nothing. */
    public static final int STALL = 0;

    /**
     * The OpenAI-wire server at {@code prefix} answers every chat with {@code status} (a 429 with
     * {@code Retry-After: 2}; {@link #STALL}: silence) until {@link #mend}.
     */
    public void breakServer(String prefix, int status) {
        broken.put(prefix, status);
    }

    public void mend(String prefix) {
        broken.remove(prefix);
    }

    /** "bearer QUERY" or "api-key QUERY": how the OpenAI-wire request with this id carried its key, and its query. */
    public String openAiCall(String requestId) {
        return openAiCalls.get(requestId);
    }

    /** What the OpenAI-wire request with this id sent. */
    public JsonObject openAiBody(String requestId) {
        return openAiBodies.get(requestId);
    }

    /** Lose a session, as a restarted LLM service would. */
    public void forget(String sessionId) {
        sessions.remove(sessionId);
    }

    @Override
    public void close() {
        server.stop(0);
        clock.shutdownNow();
        handlers.shutdownNow();
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String[] parts = path.substring(1).split("/");
        String method = ex.getRequestMethod();
        try {
            if (path.equals("/health")) {
                json(ex, 200, JSON.createObjectBuilder().add("status", "UP").build());
            } else if (parts.length == 2 && parts[0].equals("sessions") && method.equals("PUT")) {
                putSession(ex, parts[1]);
            } else if (parts.length == 2 && parts[0].equals("sessions") && method.equals("DELETE")) {
                record(ex, parts[1]);
                json(ex, sessions.remove(parts[1]) == null ? 404 : 204, null);
            } else if (parts.length == 3 && parts[0].equals("sessions") && parts[2].equals("messages")) {
                history(ex, parts[1]);
            } else if (parts.length == 2 && parts[0].equals("usage") && method.equals("GET")) {
                Used used = usageByRequest.get(parts[1]);
                json(ex, used == null ? 404 : 200, used == null ? error("not_found", "unknown request")
                        : usage(used.promptTokens(), used.completionTokens()).build());
            } else if (path.equals("/usage") && method.equals("GET")) {
                usageReport(ex);
            } else if (parts.length == 4 && parts[0].equals("direct") && parts[3].equals("stream") && method.equals("POST")) {
                directChat(ex, parts[2]);
            } else if (path.endsWith(OPENAI_CHAT) && method.equals("POST")) {
                openAiChat(ex, path.substring(0, path.length() - (path.endsWith("/v1" + OPENAI_CHAT) ? 3 : 0)
                        - OPENAI_CHAT.length()));
            } else if (path.equals("/chat/stream") && method.equals("POST")) {
                chat(ex, true);
            } else if (path.equals("/chat") && method.equals("POST")) {
                chat(ex, false);
            } else {
                json(ex, 404, error("not_found", "no such route"));
            }
        } catch (RuntimeException e) {
            json(ex, 400, error("bad_request", String.valueOf(e.getMessage())));
        }
    }

    private void putSession(HttpExchange ex, String id) throws IOException {
        JsonObject body = readJson(ex.getRequestBody());
        record(ex, id);
        Session existing = sessions.putIfAbsent(id, new Session(body.getString("user_id", null),
                body.getString("company_id", null), Instant.now(), new CopyOnWriteArrayList<>()));
        Session session = sessions.get(id);
        json(ex, existing == null ? 201 : 200, JSON.createObjectBuilder()
                .add("session_id", id).add("created_at", session.createdAt().toString()).build());
    }

    private void history(HttpExchange ex, String id) throws IOException {
        record(ex, id);
        Session session = sessions.get(id);
        if (session == null) {
            json(ex, 404, error("session_not_found", "unknown session"));
            return;
        }
        var messages = JSON.createArrayBuilder();
        session.messages().forEach(messages::add);
        json(ex, 200, JSON.createObjectBuilder().add("session_id", id).add("messages", messages).build());
    }

    private void chat(HttpExchange ex, boolean streaming) throws IOException {
        JsonObject body = readJson(ex.getRequestBody());
        String sessionId = body.getString("session_id");
        record(ex, sessionId);
        serve(ex, streaming, sessionId, body.getString("query"), body.getString("model", "sim-1"), requestId(ex),
                body.getInt("max_tokens", Integer.MAX_VALUE), (prompt, sent) -> { });
    }

    private static final String OPENAI_CHAT = "/chat/completions";

    /**
     * POST {prefix}/v1/chat/completions, as an OpenAI-compatible server answers it (streaming):
     * the last user message is the query, and its directives steer the answer as on the seed wire.
     */
    private void openAiChat(HttpExchange ex, String prefix) throws IOException {
        record(ex, null);
        String requestId = requestId(ex);
        boolean bearer = openAiKey != null && ("Bearer " + openAiKey).equals(ex.getRequestHeaders().getFirst("Authorization"));
        boolean azure = openAiKey != null && openAiKey.equals(ex.getRequestHeaders().getFirst("api-key"));
        if (openAiKey != null && !bearer && !azure) {
            json(ex, 401, openAiError("invalid_api_key", "Incorrect API key provided", "authentication_error"));
            return;
        }
        if (requestId != null) {
            openAiCalls.put(requestId, (azure ? "api-key " : "bearer ") + ex.getRequestURI().getRawQuery());
        }
        Integer status = broken.get(prefix);
        if (status != null && status == STALL) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0); // and then nothing: no first token
            return;
        }
        if (status != null) {
            if (status == 429) {
                ex.getResponseHeaders().add("Retry-After", "2");
            }
            json(ex, status, openAiError(null, "simulated failure", status == 429 ? "rate_limit_error" : "server_error"));
            return;
        }
        JsonObject body = readJson(ex.getRequestBody());
        if (requestId != null) {
            openAiBodies.put(requestId, body);
        }
        String query = "";
        for (JsonObject message : body.getJsonArray("messages").getValuesAs(JsonObject.class)) {
            if ("user".equals(message.getString("role"))) {
                query = message.getString("content");
            }
        }
        String model = body.getString("model");
        SimScript script = SimScript.parse(query).capped(body.getInt("max_tokens", Integer.MAX_VALUE));
        if (script.fault() == SimScript.Fault.HTTP500 || flakyNow(script, query)) {
            json(ex, 500, openAiError(null, "simulated crash", "server_error"));
            return;
        }
        if (script.fault() == SimScript.Fault.HTTP429) {
            ex.getResponseHeaders().add("Retry-After", "7");
            json(ex, 429, openAiError("rate_limit_exceeded", "simulated overload", "rate_limit_error"));
            return;
        }
        int prompt = SimText.promptTokens(query);
        SimStream stream = new SimStream(ex, script, query, clock, () -> cancelled.add(requestId), answer -> { },
                sent -> {
                    if (requestId != null) {
                        recordUsage(requestId, null, null, model, prompt, sent);
                    }
                }).openAi("chatcmpl-sim-" + java.util.UUID.randomUUID(), model);
        if (query.contains("tool_call") && body.containsKey("tools") && !body.getJsonArray("tools").isEmpty()) {
            // [[sim tool_call]]: the model calls the first tool it was given
            stream.callingTool(body.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"));
        }
        stream.start();
    }

    /** True for the first {@code flaky} requests asking exactly this query. */
    private boolean flakyNow(SimScript script, String query) {
        return script.flaky() > 0 && flakyCalls.computeIfAbsent(query, q -> new AtomicInteger())
                .incrementAndGet() <= script.flaky();
    }

    private static JsonObject openAiError(String code, String message, String type) {
        var error = JSON.createObjectBuilder().add("message", message).add("type", type);
        if (code == null) {
            error.addNull("code");
        } else {
            error.add("code", code);
        }
        return JSON.createObjectBuilder().add("error", error).build();
    }

    /** POST /direct/sessions/{id}/stream from a browser, with a token Tollgate signed. */
    private void directChat(HttpExchange ex, String sessionId) throws IOException {
        record(ex, sessionId);
        if (direct == null) {
            json(ex, 404, error("not_found", "direct access is not enabled"));
            return;
        }
        JsonObject claims;
        try {
            claims = direct.verify(ex.getRequestHeaders().getFirst("Authorization"), sessionId);
        } catch (DirectAccess.Refused refused) {
            json(ex, refused.status, error(refused.code, refused.getMessage()));
            return;
        }
        JsonObject body = readJson(ex.getRequestBody());
        serve(ex, true, sessionId, body.getString("query"), claims.getString("model", "sim-1"), claims.getString("jti"),
                claims.getInt("max_tokens"), (prompt, sent) -> direct.reportUsage(claims, prompt, sent));
    }

    /** What a finished answer used, for whoever bills it. */
    interface UsageSink {
        void used(int promptTokens, int completionTokens);
    }

    private void serve(HttpExchange ex, boolean streaming, String sessionId, String query, String model,
                       String requestId, int tokenBudget, UsageSink billing) throws IOException {
        SimScript script = SimScript.parse(query).capped(tokenBudget);
        Session session = sessions.get(sessionId);
        if (flakyNow(script, query)) {
            json(ex, 500, error("internal", "simulated flaky failure"));
            return;
        }
        switch (script.fault()) {
            case HTTP500 -> {
                json(ex, 500, error("internal", "simulated crash"));
                return;
            }
            case HTTP429 -> {
                ex.getResponseHeaders().add("Retry-After", "7");
                json(ex, 429, error("rate_limited", "simulated overload"));
                return;
            }
            default -> {
            }
        }
        if (session == null || script.fault() == SimScript.Fault.UNKNOWN_SESSION) {
            json(ex, 404, error("session_not_found", "unknown session " + sessionId));
            return;
        }
        session.messages().add(message("user", query));
        int prompt = SimText.promptTokens(query);
        SimStream stream = new SimStream(ex, script, query, clock, () -> cancelled.add(requestId),
                answer -> session.messages().add(message("assistant", answer)),
                sent -> {
                    if (requestId != null) {
                        recordUsage(requestId, session.companyId(), session.userId(), model, prompt, sent);
                        billing.used(prompt, sent);
                    }
                });
        if (streaming) {
            stream.start();
        } else {
            stream.answerWhole();
        }
    }

    /** GET /usage?from=ISO&to=ISO: every request the service billed in the period. */
    private void usageReport(HttpExchange ex) throws IOException {
        Map<String, String> query = new java.util.HashMap<>();
        String raw = ex.getRequestURI().getQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        Instant from = Instant.parse(query.getOrDefault("from", Instant.EPOCH.toString()));
        Instant to = Instant.parse(query.getOrDefault("to", Instant.now().plusSeconds(1).toString()));
        var items = JSON.createArrayBuilder();
        usageByRequest.forEach((requestId, used) -> {
            if (used.companyId() != null && !used.at().isBefore(from) && used.at().isBefore(to)) {
                var item = JSON.createObjectBuilder().add("request_id", requestId).add("company_id", used.companyId())
                        .add("model", used.model()).add("prompt_tokens", used.promptTokens())
                        .add("completion_tokens", used.completionTokens()).add("occurred_at", used.at().toString());
                if (used.userId() != null) {
                    item.add("user_id", used.userId());
                }
                items.add(item);
            }
        });
        json(ex, 200, JSON.createObjectBuilder().add("items", items).build());
    }

    private void record(HttpExchange ex, String sessionId) {
        seen.add(new SeenRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(), requestId(ex), sessionId));
    }

    private static String requestId(HttpExchange ex) {
        return ex.getRequestHeaders().getFirst("X-Request-Id");
    }

    private static JsonObject message(String role, String content) {
        return JSON.createObjectBuilder().add("role", role).add("content", content)
                .add("created_at", Instant.now().toString()).build();
    }

    static JsonObject error(String code, String message) {
        return JSON.createObjectBuilder()
                .add("error", JSON.createObjectBuilder().add("code", code).add("message", message)).build();
    }

    static void json(HttpExchange ex, int status, JsonObject body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            ex.close();
            return;
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JsonObject readJson(InputStream in) throws IOException {
        try (var reader = JSON.createReader(in)) {
            return reader.readObject();
        }
    }

    static JsonObjectBuilder usage(int prompt, int completion) {
        return JSON.createObjectBuilder().add("prompt_tokens", prompt).add("completion_tokens", completion);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args.length > 0 ? args[0] : System.getenv().getOrDefault("SIM_PORT", "8090"));
        LlmSimulator sim = new LlmSimulator(port);
        String tollgate = System.getenv("TOLLGATE_URL");
        String secret = System.getenv("TOLLGATE_WEBHOOK_SECRET");
        if (tollgate != null && secret != null) {
            sim.withDirectAccess(new DirectAccess(tollgate, secret));
        }
        sim.start();
        System.out.println("LLM simulator listening on http://127.0.0.1:" + sim.port());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        Thread.currentThread().join();
    }
}
