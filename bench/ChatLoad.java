import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streaming-chat load client (JDK only; run with `java bench/ChatLoad.java`). For each concurrency
 * level it runs the same streams through Tollgate, through nginx in front of the simulator (when
 * TOLLGATE_BENCH_NGINX_URL is set) and straight to the simulator, and reports time to first token,
 * total time, tokens/s and errors, and for each proxy its CPU per answer, threads and resident
 * memory at peak (from /proc, given TOLLGATE_BENCH_LIBERTY_PID and TOLLGATE_BENCH_NGINX_PID;
 * Liberty's heap from its /metrics endpoint), then Tollgate against nginx as ratios.
 *
 * Usage: java bench/ChatLoad.java TOLLGATE_URL SIM_URL TOKENS_FILE LEVELS TOKENS DELAY_MS ROUNDS
 * (TOKENS_FILE: one JWT a line; client i streams as the user of line i.)
 */
public class ChatLoad {

    /** TOLLGATE_BENCH_V1=1: each level also streams the same turns through the OpenAI-compatible /v1 front. */
    static final boolean OPENAI_FRONT = "1".equals(System.getenv("TOLLGATE_BENCH_V1"));
    /**
     * TOLLGATE_BENCH_OPENAI_UPSTREAM=1 (bench/run writes a catalog for it): each level also streams
     * through /v1 to model sim-oa, whose deployment speaks OpenAI's wire (the simulator's), and
     * to sim-1 (seed) the same way; both without X-Session-Id, so each turn opens a session.
     */
    static final boolean OPENAI_UPSTREAM = "1".equals(System.getenv("TOLLGATE_BENCH_OPENAI_UPSTREAM"));

    /** nginx in front of the simulator, the plain proxy Tollgate's costs are set against; null: none. */
    static final String NGINX_URL = blankToNull(System.getenv("TOLLGATE_BENCH_NGINX_URL"));
    static final Proc LIBERTY = Proc.of(System.getenv("TOLLGATE_BENCH_LIBERTY_PID"));
    static final Proc NGINX = Proc.of(System.getenv("TOLLGATE_BENCH_NGINX_PID"));

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** admitMs, upstreamMs: Tollgate's Server-Timing parts of the first-token wait (NaN where not sent). */
    record Result(long ttftNanos, long totalNanos, int tokens, boolean ok, double admitMs, double upstreamMs) {
        Result(long ttftNanos, long totalNanos, int tokens, boolean ok) {
            this(ttftNanos, totalNanos, tokens, ok, Double.NaN, Double.NaN);
        }
    }

    /**
     * split: p50 and p99 of Tollgate's own work before the call (admit), of the LLM service's
     * wait to its first event (upstream), and of the rest of each request's time to first token.
     */
    record Stats(int requests, int errors, double ttftP50, double ttftP90, double ttftP99,
                 double totalP50, double totalP90, double totalP99, double tokensPerSecond, double[] split) {
    }

    static final Pattern TIMING = Pattern.compile("admit;dur=([0-9.]+), upstream;dur=([0-9.]+)");

    /** A new one for each level: a connection left idle through the vacuum may be closed under it. */
    static volatile HttpClient HTTP = newClient();

    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(4)).build();
    }

    public static void main(String[] args) {
        try {
            measure(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void measure(String[] args) throws Exception {
        String tollgate = args[0];
        String sim = args[1];
        List<String> users = java.nio.file.Files.readAllLines(java.nio.file.Path.of(args[2]));
        int[] levels = java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        int tokens = Integer.parseInt(args[4]);
        int delayMs = Integer.parseInt(args[5]);
        int rounds = Integer.parseInt(args[6]);
        String query = "benchmark question [[sim tokens=" + tokens + " delay_ms=" + delayMs + "]]";
        rampMs = Long.parseLong(System.getenv().getOrDefault("TOLLGATE_BENCH_RAMP_MS", String.valueOf((long) tokens * delayMs)));

        System.out.printf(Locale.ROOT, "# %d tokens per answer, %d ms apart; %d rounds per client; clients started over %d ms%n",
                tokens, delayMs, rounds, rampMs);
        System.out.println("| C | path | requests | errors | TTFT p50 / p90 / p99 ms | total p50 / p90 / p99 ms | tokens/s | peak threads | peak RSS MiB | peak heap MiB | proxy CPU ms/answer |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        int warmup = Integer.parseInt(System.getenv().getOrDefault("TOLLGATE_BENCH_WARMUP_ROUNDS", "20"));
        int warmupMax = Integer.parseInt(System.getenv().getOrDefault("TOLLGATE_BENCH_WARMUP_MAX_ROUNDS", "600"));
        int warmupClients = Math.min(users.size(),
                Integer.parseInt(System.getenv().getOrDefault("TOLLGATE_BENCH_WARMUP_CLIENTS", "200")));
        if (warmup > 0) {
            warmUp(tollgate, users, warmupClients, tokens, query, warmup, warmupMax);
            runDirect(sim, warmupClients, query, Math.max(1, warmup / 2));
            if (NGINX_URL != null) {
                runDirect(NGINX_URL, warmupClients, query, Math.max(1, warmup / 2));
            }
        }
        for (int c : levels) {
            beforeLevel();
            // A level of one client would otherwise be three samples: too few for a percentile.
            int asked = c == 1 ? Math.max(rounds, 20) : rounds;
            List<String[]> clients = clients(tollgate, users, c);
            Sampler sampler = new Sampler(tollgate, LIBERTY);
            Process profiler = during(c);
            Stats via = run(tollgate, clients, tokens, query, asked, false);
            Peak peak = sampler.stop(via.requests);
            if (profiler != null) {
                profiler.waitFor();
            }
            Stats openAi = null;
            Peak openAiPeak = null;
            if (OPENAI_FRONT) {
                Sampler v1 = new Sampler(tollgate, LIBERTY);
                openAi = run(tollgate, clients, tokens, query, asked, true);
                openAiPeak = v1.stop(openAi.requests);
            }
            Stats seedNew = null;
            Stats openAiNew = null;
            Peak seedNewPeak = null;
            Peak openAiNewPeak = null;
            if (OPENAI_UPSTREAM) {
                Sampler seedSampler = new Sampler(tollgate, LIBERTY);
                seedNew = runModel(tollgate, clients, tokens, query, asked, "sim-1");
                seedNewPeak = seedSampler.stop(seedNew.requests);
                Sampler openAiSampler = new Sampler(tollgate, LIBERTY);
                openAiNew = runModel(tollgate, clients, tokens, query, asked, "sim-oa");
                openAiNewPeak = openAiSampler.stop(openAiNew.requests);
            }
            Stats nginx = null;
            Peak nginxPeak = null;
            if (NGINX_URL != null) {
                Sampler proxy = new Sampler(null, NGINX);
                nginx = runDirect(NGINX_URL, c, query, asked);
                nginxPeak = proxy.stop(nginx.requests);
            }
            Stats direct = runDirect(sim, c, query, asked);
            if (seedNew != null) {
                print(c, "/v1, new session, seed upstream", seedNew, seedNewPeak);
                print(c, "/v1, new session, openai upstream", openAiNew, openAiNewPeak);
            }
            print(c, "Tollgate", via, peak);
            if (openAi != null) {
                print(c, "Tollgate /v1", openAi, openAiPeak);
                System.out.printf(Locale.ROOT, "| %d | added /v1 | | | %+.1f / %+.1f / %+.1f | %+.1f / %+.1f / %+.1f | | | | |%n", c,
                        openAi.ttftP50 - direct.ttftP50, openAi.ttftP90 - direct.ttftP90, openAi.ttftP99 - direct.ttftP99,
                        openAi.totalP50 - direct.totalP50, openAi.totalP90 - direct.totalP90, openAi.totalP99 - direct.totalP99);
            }
            if (nginx != null) {
                print(c, "nginx", nginx, nginxPeak);
            }
            print(c, "direct", direct, null);
            if (nginx != null) {
                against(c, "Tollgate", via, peak, nginx, nginxPeak, direct);
                if (openAi != null) {
                    against(c, "Tollgate /v1", openAi, openAiPeak, nginx, nginxPeak, direct);
                }
            }
            System.out.printf(Locale.ROOT, "| %d | added | | | %+.1f / %+.1f / %+.1f (×%.2f p50) | %+.1f / %+.1f / %+.1f | | | | |%n", c,
                    via.ttftP50 - direct.ttftP50, via.ttftP90 - direct.ttftP90, via.ttftP99 - direct.ttftP99,
                    direct.ttftP50 == 0 ? 0 : via.ttftP50 / direct.ttftP50,
                    via.totalP50 - direct.totalP50, via.totalP90 - direct.totalP90, via.totalP99 - direct.totalP99);
            split(c, "Tollgate", via);
            if (openAi != null) {
                split(c, "Tollgate /v1", openAi);
            }
            if (c == 1) {
                floor(tollgate, sim, users.get(0), asked, delayMs);
            }
        }
    }

    /**
     * The stack's own floor beside C=1: Tollgate refusing a chat request for a filter it does not
     * know (422: Liberty's HTTP path, JWT, JSON, bean validation and the resource; no database, no
     * LLM call; unlike a 400, a 422 keeps the connection open on Liberty) against the simulator
     * answering its health check, each request after the pause the C=1 streams leave between
     * tokens, so the machine is as idle as it is then. Added time to first token below this is
     * out of Tollgate's reach on this machine.
     */
    static void floor(String tollgate, String sim, String token, int requests, int pauseMs) throws Exception {
        HttpRequest refused = HttpRequest.newBuilder(URI.create(tollgate + "/api/v1/chat/stream"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"x\",\"filters\":{\"no_such_filter\":1}}")).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(sim + "/health")).build();
        List<Long> via = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        int errors = 0;
        for (int i = 0; i < requests; i++) {
            Thread.sleep(pauseMs);
            long sent = System.nanoTime();
            int refusal = HTTP.send(refused, HttpResponse.BodyHandlers.discarding()).statusCode();
            via.add(System.nanoTime() - sent);
            Thread.sleep(pauseMs);
            sent = System.nanoTime();
            int healthy = HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode();
            direct.add(System.nanoTime() - sent);
            errors += refusal == 422 && healthy == 200 ? 0 : 1;
        }
        Collections.sort(via);
        Collections.sort(direct);
        System.out.printf(Locale.ROOT, "| 1 | floor: Tollgate refuses a filter (422) | %d | %d | %.1f / %.1f / %.1f (answer) | | | | | |%n",
                requests, errors, pct(via, 50), pct(via, 90), pct(via, 99));
        System.out.printf(Locale.ROOT, "| 1 | floor: simulator's health check | %d | | %.1f / %.1f / %.1f (answer) | | | | | |%n",
                requests, pct(direct, 50), pct(direct, 90), pct(direct, 99));
        System.out.printf(Locale.ROOT, "| 1 | floor added | | | %+.1f / %+.1f / %+.1f | | | | | |%n",
                pct(via, 50) - pct(direct, 50), pct(via, 90) - pct(direct, 90), pct(via, 99) - pct(direct, 99));
    }

    /**
     * Starts TOLLGATE_BENCH_DURING_LEVEL, if set, in the background as a level's Tollgate run
     * begins, with LEVEL in its environment (bench/run profiles Liberty with it); the level waits
     * for it after its Tollgate run.
     */
    static Process during(int level) throws IOException {
        String command = System.getenv("TOLLGATE_BENCH_DURING_LEVEL");
        if (command == null || command.isBlank()) {
            return null;
        }
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).inheritIO();
        builder.environment().put("LEVEL", String.valueOf(level));
        return builder.start();
    }

    /**
     * Runs TOLLGATE_BENCH_BEFORE_LEVEL, if set, before each level (bench/run vacuums the database
     * with it): where autovacuum is off, as in this machine's CI configuration, the dead rows of
     * the warm-up's tens of thousands of turns would slow every level after it (docs/performance-log.md,
     * session 8); production's autovacuum keeps up with them.
     */
    static void beforeLevel() throws IOException, InterruptedException {
        String command = System.getenv("TOLLGATE_BENCH_BEFORE_LEVEL");
        if (command != null && !command.isBlank()) {
            new ProcessBuilder("sh", "-c", command).inheritIO().start().waitFor();
        }
        HTTP = newClient();
    }

    /**
     * Warm-up, not reported: at least {@code minRounds} rounds, then on in steps of 20 rounds until
     * Liberty's CPU per answer stops falling (two steps in a row within 5 % of the best so far), at most
     * {@code maxRounds}. A fixed count was not enough: after 20,000 streams the C2 compiler still
     * took 40 % of Liberty's CPU at C=200 and CPU per answer was twice its steady value
     * (docs/performance-log.md, sessions 6 and 8). Many clients at once give the JIT its streams fastest.
     */
    static void warmUp(String tollgate, List<String> users, int clients, int tokens, String query,
                       int minRounds, int maxRounds) throws Exception {
        int step = 20;
        double best = Double.MAX_VALUE;
        int flat = 0;
        for (int done = 0; done < maxRounds; ) {
            int rounds = done < minRounds ? Math.min(step, minRounds - done) : step;
            List<String[]> prepared = clients(tollgate, users, clients);
            Sampler sampler = new Sampler(tollgate, LIBERTY);
            Stats stats = run(tollgate, prepared, tokens, query, rounds, false);
            double cpu = sampler.stop(stats.requests).cpuMs();
            done += rounds;
            System.err.printf(Locale.ROOT, "warm-up: %d rounds of %d clients, Liberty CPU %.1f ms per answer%n",
                    done, clients, cpu);
            flat = cpu > 0.95 * best ? flat + 1 : 0;
            best = Math.min(best, cpu);
            if (done >= minRounds && flat >= 2) {
                return;
            }
        }
    }

    /**
     * Where a Tollgate path's time to first token went, from its Server-Timing header: Tollgate's
     * work before the LLM call, the LLM service's wait to its first event, and the rest (the
     * network, Liberty's request path before Tollgate's code, writing the first events).
     */
    static void split(int c, String path, Stats s) {
        double[] p = s.split;
        System.out.printf(Locale.ROOT, "| %d | %s TTFT split | | | admit %.2f / %.2f · upstream %.2f / %.2f · rest %.2f / %.2f (p50 / p99) | | | | | | |%n",
                c, path, p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    static void print(int c, String path, Stats s, Peak peak) {
        System.out.printf(Locale.ROOT, "| %d | %s | %d | %d | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %.0f | %s | %s | %s | %s |%n",
                c, path, s.requests, s.errors, s.ttftP50, s.ttftP90, s.ttftP99, s.totalP50, s.totalP90, s.totalP99,
                s.tokensPerSecond, peak == null ? "" : String.valueOf(peak.threads()), peak == null ? "" : mib(peak.rssBytes()),
                peak == null ? "" : mib(peak.heapBytes()), peak == null ? "" : String.format(Locale.ROOT, "%.2f", peak.cpuMs()));
    }

    static String mib(long bytes) {
        return bytes <= 0 ? "" : String.valueOf(bytes / (1024 * 1024));
    }

    /**
     * A Tollgate path against nginx's in the same level: the targets as ratios (CPU per
     * answer, tokens/s against direct) and as time to first token added over nginx's.
     */
    static void against(int c, String path, Stats via, Peak viaPeak, Stats nginx, Peak nginxPeak, Stats direct) {
        System.out.printf(Locale.ROOT, "| %d | %s over nginx | %d | %d | %+.1f / %+.1f / %+.1f | %+.1f / %+.1f / %+.1f | %.0f %% of direct | | | | ×%.1f |%n",
                c, path, via.requests, via.errors + nginx.errors,
                via.ttftP50 - nginx.ttftP50, via.ttftP90 - nginx.ttftP90, via.ttftP99 - nginx.ttftP99,
                via.totalP50 - nginx.totalP50, via.totalP90 - nginx.totalP90, via.totalP99 - nginx.totalP99,
                100 * via.tokensPerSecond / direct.tokensPerSecond,
                nginxPeak.cpuMs() <= 0 ? Double.NaN : viaPeak.cpuMs() / nginxPeak.cpuMs());
    }

    /**
     * C clients, each a user of its own (line i of the tokens file) with a session of its own made
     * beforehand, as the direct run does; made before a level's CPU is sampled, so that its CPU
     * per answer is the streams' alone.
     */
    static List<String[]> clients(String tollgate, List<String> users, int c) throws Exception {
        List<String[]> clients = new ArrayList<>(); // a user's token and their session
        Pattern id = Pattern.compile("\"session_id\":\"([^\"]+)\"");
        for (int i = 0; i < c; i++) {
            String token = users.get(i % users.size());
            String created = prepare(HttpRequest.newBuilder(URI.create(tollgate + "/api/v1/sessions"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
            Matcher m = id.matcher(created);
            clients.add(new String[] {token, m.find() ? m.group(1) : null});
        }
        return clients;
    }

    /**
     * The clients, each streaming `rounds` answers one after another through Tollgate: its native
     * stream, or (`openAi`) the same turns as OpenAI's streamed Chat Completions on /v1, their
     * sessions named by X-Session-Id.
     */
    static Stats run(String tollgate, List<String[]> clients, int tokens, String query, int rounds, boolean openAi)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        return load(clients.size(), rounds, () -> {
            String[] client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
            if (openAi) {
                String body = "{\"model\":\"sim-1\",\"stream\":true,\"max_tokens\":" + tokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + query + "\"}]}";
                return HttpRequest.newBuilder(URI.create(tollgate + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + client[0]).header("Content-Type", "application/json")
                        .header("X-Session-Id", client[1]).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            }
            String body = "{\"session_id\":\"" + client[1] + "\",\"query\":\"" + query + "\",\"max_tokens\":" + tokens + "}";
            return HttpRequest.newBuilder(URI.create(tollgate + "/api/v1/chat/stream"))
                    .header("Authorization", "Bearer " + client[0]).header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }, openAi ? "\"delta\":{\"content\"" : "event: token");
    }

    /** Streams through /v1 to {@code model}, each turn in a new session (no X-Session-Id). */
    static Stats runModel(String tollgate, List<String[]> clients, int tokens, String query, int rounds, String model)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        return load(clients.size(), rounds, () -> {
            String[] client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
            String body = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":" + tokens
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + query + "\"}]}";
            return HttpRequest.newBuilder(URI.create(tollgate + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + client[0]).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }, "\"delta\":{\"content\"");
    }

    /** The same streams straight to the simulator, each client in a session of its own. */
    static Stats runDirect(String sim, int c, String query, int rounds) throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            String id = UUID.randomUUID().toString();
            prepare(HttpRequest.newBuilder(URI.create(sim + "/sessions/" + id)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"bench\",\"company_id\":\"bench\"}")).build());
            sessions.add(id);
        }
        AtomicInteger next = new AtomicInteger();
        return load(c, rounds, () -> {
            String session = sessions.get(Math.floorMod(next.getAndIncrement(), sessions.size()));
            String body = "{\"session_id\":\"" + session + "\",\"query\":\"" + query + "\",\"max_tokens\":512}";
            return HttpRequest.newBuilder(URI.create(sim + "/chat/stream")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }, "data: {\"content\"");
    }

    /**
     * A set-up request (a session for a client), tried again when its pooled connection turns out
     * to have been closed by the server while the previous level ran (idle connections time out).
     */
    static String prepare(HttpRequest request) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Clients start evenly spread over this many milliseconds (default: one answer's length), as a
     * load tool's ramp-up does; from then on each starts its next answer when the last one ends.
     * Started all at once, the clients' answers stay in step: every round is a burst of C
     * simultaneous requests, and time to first token measures how fast a burst of C is admitted
     * rather than C concurrent streams. TOLLGATE_BENCH_RAMP_MS=0 measures the burst.
     */
    static long rampMs;

    static Stats load(int c, int rounds, java.util.function.Supplier<HttpRequest> requests, String tokenMarker) throws Exception {
        ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < c; i++) {
            CompletableFuture<Void> chain = CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(i * rampMs / c, TimeUnit.MILLISECONDS));
            for (int r = 0; r < rounds; r++) {
                chain = chain.thenCompose(x -> stream(requests.get(), tokenMarker).thenAccept(results::add));
            }
            clients.add(chain);
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> ttft = new ArrayList<>();
        List<Long> total = new ArrayList<>();
        List<Long> admit = new ArrayList<>();
        List<Long> upstream = new ArrayList<>();
        List<Long> rest = new ArrayList<>();
        long tokenCount = 0;
        int errors = 0;
        for (Result result : results) {
            if (!result.ok) {
                errors++;
                continue;
            }
            ttft.add(result.ttftNanos);
            total.add(result.totalNanos);
            tokenCount += result.tokens;
            if (!Double.isNaN(result.admitMs)) {
                long a = (long) (result.admitMs * 1e6);
                long u = (long) (result.upstreamMs * 1e6);
                admit.add(a);
                upstream.add(u);
                rest.add(result.ttftNanos - a - u);
            }
        }
        for (List<Long> sorted : List.of(ttft, total, admit, upstream, rest)) {
            Collections.sort(sorted);
        }
        double[] split = {pct(admit, 50), pct(admit, 99), pct(upstream, 50), pct(upstream, 99), pct(rest, 50), pct(rest, 99)};
        return new Stats(results.size(), errors, pct(ttft, 50), pct(ttft, 90), pct(ttft, 99),
                pct(total, 50), pct(total, 90), pct(total, 99), tokenCount / seconds, split);
    }

    static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
    }

    static final java.util.Set<String> ERRORS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Each kind of failure once, on stderr: an error count alone does not say whose it was. */
    static void noteError(Throwable t) {
        Throwable cause = t.getCause() != null ? t.getCause() : t;
        if (ERRORS.add(cause.getClass().getSimpleName() + ": " + cause.getMessage())) {
            System.err.println("stream failed: " + cause);
        }
    }

    /** Sends one request and reads its SSE answer line by line, timing the first token. */
    static CompletableFuture<Result> stream(HttpRequest request, String tokenMarker) {
        long sent = System.nanoTime();
        AtomicLong first = new AtomicLong();
        AtomicInteger tokens = new AtomicInteger();
        CompletableFuture<Result> done = new CompletableFuture<>();
        double[] timing = {Double.NaN, Double.NaN};
        HTTP.sendAsync(request, info -> HttpResponse.BodySubscribers.fromLineSubscriber(new Flow.Subscriber<String>() {
            Flow.Subscription subscription;
            boolean failed = info.statusCode() != 200;
            {
                info.headers().firstValue("Server-Timing").map(TIMING::matcher).filter(java.util.regex.Matcher::matches)
                        .ifPresent(m -> {
                            timing[0] = Double.parseDouble(m.group(1));
                            timing[1] = Double.parseDouble(m.group(2));
                        });
            }

            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            public void onNext(String line) {
                if (line.contains(tokenMarker)) {
                    first.compareAndSet(0, System.nanoTime());
                    tokens.incrementAndGet();
                } else if (line.startsWith("event: error") || line.startsWith("data: {\"error\"")) {
                    failed = true;
                }
            }

            public void onError(Throwable t) {
                noteError(t);
                done.complete(new Result(0, 0, 0, false));
            }

            public void onComplete() {
                long end = System.nanoTime();
                done.complete(new Result(first.get() - sent, end - sent, tokens.get(), !failed && first.get() != 0,
                        timing[0], timing[1]));
            }
        }, s -> null, StandardCharsets.UTF_8, null)).exceptionally(t -> {
            noteError(t);
            done.complete(new Result(0, 0, 0, false));
            return null;
        });
        return done;
    }

    /** A sampled proxy's peaks over a run, and its CPU per answer. */
    record Peak(long threads, long heapBytes, long rssBytes, double cpuMs) {
    }

    /**
     * A process and its children (nginx's workers are its master's), read from /proc: CPU time,
     * resident memory and threads. CPU is each thread's run time in nanoseconds (schedstat), exact
     * for processes whose threads live through the run, as nginx's do; Liberty's, whose pool
     * threads come and go, comes from its metrics. A missing or unreadable pid reads 0.
     */
    record Proc(long pid) {

        static Proc of(String pid) {
            return blankToNull(pid) == null ? null : new Proc(Long.parseLong(pid.trim()));
        }

        java.util.stream.Stream<Long> pids() {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of(pid),
                    ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid));
        }

        double cpuSeconds() {
            return pids().mapToLong(p -> {
                try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + p + "/task"))) {
                    return tasks.mapToLong(task -> {
                        String schedstat = read(task.resolve("schedstat").toString());
                        return schedstat.isEmpty() ? 0 : Long.parseLong(schedstat.split(" ")[0]);
                    }).sum();
                } catch (IOException | java.io.UncheckedIOException e) {
                    return 0;
                }
            }).sum() / 1e9;
        }

        /** Resident bytes and threads, summed over the processes. */
        long[] memory() {
            long[] sum = new long[2];
            pids().forEach(p -> {
                for (String line : read("/proc/" + p + "/status").split("\n")) {
                    if (line.startsWith("VmRSS:")) {
                        sum[0] += 1024 * Long.parseLong(line.replaceAll("\\D", ""));
                    } else if (line.startsWith("Threads:")) {
                        sum[1] += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            });
            return sum;
        }

        private static String read(String file) {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(file));
            } catch (IOException e) {
                return "";
            }
        }
    }

    /**
     * Samples a proxy once a second while a level runs: Liberty's heap and CPU (and, without a
     * pid, its threads) from its base metrics, resident memory and threads from /proc, and nginx's
     * CPU from /proc. CPU per answer is what bounds a level once the machine is busy.
     */
    static final class Sampler {
        private static final Pattern THREADS = Pattern.compile("(?m)^thread_count\\S*\\s+([0-9.E+]+)");
        private static final Pattern HEAP = Pattern.compile("(?m)^memory_usedHeap_bytes\\S*\\s+([0-9.E+]+)");
        private static final Pattern CPU = Pattern.compile("(?m)^cpu_processCpuTime_seconds\\S*\\s+([0-9.E+]+)");
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong threads = new AtomicLong();
        private final AtomicLong heap = new AtomicLong();
        private final AtomicLong rss = new AtomicLong();
        private final HttpRequest metrics;
        private final Proc proc;
        private final double cpuAtStart;

        /** {@code tollgate}: null for a proxy without metrics; {@code proc}: null without a pid. */
        Sampler(String tollgate, Proc proc) {
            this.metrics = tollgate == null ? null : HttpRequest.newBuilder(URI.create(tollgate + "/metrics?scope=base")).build();
            this.proc = proc;
            cpuAtStart = cpuSeconds();
            timer.scheduleAtFixedRate(() -> {
                try {
                    if (proc != null) {
                        long[] memory = proc.memory();
                        rss.accumulateAndGet(memory[0], Math::max);
                        threads.accumulateAndGet(memory[1], Math::max);
                    }
                    if (metrics != null) {
                        String text = HTTP.send(metrics, HttpResponse.BodyHandlers.ofString()).body();
                        if (proc == null) {
                            threads.accumulateAndGet(value(THREADS, text), Math::max);
                        }
                        heap.accumulateAndGet(value(HEAP, text), Math::max);
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    // a missed sample is not a failed benchmark
                }
            }, 0, 1, TimeUnit.SECONDS); // each scrape costs Liberty CPU: at 4 a second, 12 % of its samples at C=200
        }

        private static long value(Pattern pattern, String text) {
            Matcher m = pattern.matcher(text);
            return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        }

        private double cpuSeconds() {
            if (metrics == null) {
                return proc == null ? Double.NaN : proc.cpuSeconds();
            }
            try {
                Matcher m = CPU.matcher(HTTP.send(metrics, HttpResponse.BodyHandlers.ofString()).body());
                return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
            } catch (IOException | InterruptedException e) {
                return Double.NaN;
            }
        }

        /** The peaks, and the CPU milliseconds per request (-1: unknown). */
        Peak stop(int requests) {
            timer.shutdownNow();
            double cpu = cpuSeconds() - cpuAtStart;
            return new Peak(threads.get(), heap.get(), rss.get(), Double.isNaN(cpu) ? -1 : cpu * 1e3 / Math.max(1, requests));
        }
    }
}
