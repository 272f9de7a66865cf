import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.eclipse.jetty.client.*;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The upstream leg alone: the same streaming answers from the simulator read by the JDK HttpClient
 * (as Tollgate did until session 7: async, a line subscriber with a window of 32 lines) and by
 * Jetty's client (as Tollgate does: a content-source read loop), reporting this process's CPU per
 * answer and the time to the first token. Start a simulator first (see bench/run), then:
 *
 *   java -cp "$(cat target/dev-classpath.txt)" bench/UpstreamClients.java jdk|jetty SIM_URL C ROUNDS TOKENS DELAY_MS WARMUP_ROUNDS
 *
 * Lines are decoded per read here, not per whole line as Tollgate's decoder does: a comparison of
 * the clients, not a second SSE parser.
 */
public class UpstreamClients {
    interface Client { CompletableFuture<long[]> stream(String session, String body); }

    static String sim;

    public static void main(String[] a) throws Exception {
        String mode = a[0]; sim = a[1]; int c = Integer.parseInt(a[2]); int rounds = Integer.parseInt(a[3]);
        int tokens = Integer.parseInt(a[4]); int delay = Integer.parseInt(a[5]); int warm = Integer.parseInt(a[6]);
        java.net.http.HttpClient setup = java.net.http.HttpClient.newHttpClient();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            String id = UUID.randomUUID().toString();
            setup.send(HttpRequest.newBuilder(URI.create(sim + "/sessions/" + id)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"bench\",\"company_id\":\"bench\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            sessions.add(id);
        }
        String query = "q [[sim tokens=" + tokens + " delay_ms=" + delay + "]]";
        Client client = mode.equals("jdk") ? jdk() : jetty();
        run(client, sessions, query, warm);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        List<Long> ttfb = run(client, sessions, query, rounds);
        long cpu = os.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - t0;
        Collections.sort(ttfb);
        int n = ttfb.size();
        System.out.printf("%s C=%d answers=%d cpu/answer=%.3f ms ttfb p50=%.2f p99=%.2f ms wall=%.1fs threads=%d%n", mode, c, n,
                cpu / 1e6 / n, ttfb.get(n / 2) / 1e6, ttfb.get(n * 99 / 100) / 1e6, wall / 1e9, Thread.activeCount());
        System.exit(0);
    }

    static List<Long> run(Client client, List<String> sessions, String query, int rounds) throws Exception {
        List<Long> out = Collections.synchronizedList(new ArrayList<>());
        List<Thread> ts = new ArrayList<>();
        for (String s : sessions) {
            Thread t = new Thread(() -> {
                for (int r = 0; r < rounds; r++) {
                    String body = "{\"session_id\":\"" + s + "\",\"model\":\"m\",\"query\":\"" + query + "\",\"max_tokens\":512}";
                    long[] res = client.stream(s, body).join();
                    out.add(res[0]);
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) t.join();
        return out;
    }

    /** Counts events; first content event's time. */
    static final class Events {
        final long start = System.nanoTime();
        long first = -1; int count;
        final StringBuilder data = new StringBuilder();
        boolean done;
        void line(String line) {
            if (line.isEmpty()) {
                String d = data.toString(); data.setLength(0);
                if (d.isEmpty()) return;
                if (d.startsWith("{\"content\"") && first < 0) first = System.nanoTime() - start;
                if (d.equals("[DONE]")) done = true;
                count++;
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
    }

    static Client jdk() {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .executor(pool).build();
        return (session, body) -> {
            CompletableFuture<long[]> f = new CompletableFuture<>();
            Events ev = new Events();
            var req = HttpRequest.newBuilder(URI.create(sim + "/chat/stream")).header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            http.sendAsync(req, info -> HttpResponse.BodySubscribers.fromLineSubscriber(new Flow.Subscriber<String>() {
                Flow.Subscription sub;
                public void onSubscribe(Flow.Subscription s) { sub = s; s.request(32); }
                public void onNext(String line) { ev.line(line); sub.request(1); }
                public void onError(Throwable t) { f.completeExceptionally(t); }
                public void onComplete() { f.complete(new long[] {ev.first, ev.count}); }
            }, s -> null, StandardCharsets.UTF_8, null)).whenComplete((r, e) -> { if (e != null) f.completeExceptionally(e); });
            return f;
        };
    }

    static Client jetty() {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("up");
        HttpClient http = new HttpClient();
        http.setExecutor(threads);
        http.setMaxConnectionsPerDestination(5000);
        http.setFollowRedirects(false);
        try { http.start(); } catch (Exception e) { throw new RuntimeException(e); }
        return (session, body) -> {
            CompletableFuture<long[]> f = new CompletableFuture<>();
            Events ev = new Events();
            StringBuilder partial = new StringBuilder();
            http.POST(sim + "/chat/stream").headers(h -> h.put("Accept", "text/event-stream"))
                    .body(new StringRequestContent("application/json", body))
                    .timeout(30, TimeUnit.SECONDS)
                    .onResponseContentSource((response, source) -> {
                        Runnable[] loop = new Runnable[1];
                        loop[0] = () -> {
                            while (true) {
                                org.eclipse.jetty.io.Content.Chunk chunk = source.read();
                                if (chunk == null) { source.demand(loop[0]); return; }
                                if (org.eclipse.jetty.io.Content.Chunk.isFailure(chunk)) { f.completeExceptionally(chunk.getFailure()); return; }
                                ByteBuffer b = chunk.getByteBuffer();
                                int start = b.position();
                                for (int i = b.position(); i < b.limit(); i++) {
                                    if (b.get(i) == '\n') {
                                        byte[] bytes = new byte[i - start];
                                        b.get(start, bytes);
                                        String piece = new String(bytes, StandardCharsets.UTF_8);
                                        if (partial.length() > 0) { piece = partial + piece; partial.setLength(0); }
                                        if (piece.endsWith("\r")) piece = piece.substring(0, piece.length() - 1);
                                        ev.line(piece);
                                        start = i + 1;
                                    }
                                }
                                if (start < b.limit()) {
                                    byte[] bytes = new byte[b.limit() - start];
                                    b.get(start, bytes);
                                    partial.append(new String(bytes, StandardCharsets.UTF_8));
                                }
                                boolean last = chunk.isLast();
                                chunk.release();
                                if (last) return;
                            }
                        };
                        loop[0].run();
                    })
                    .send(result -> {
                        if (result.isFailed()) f.completeExceptionally(result.getFailure());
                        else f.complete(new long[] {ev.first, ev.count});
                    });
            return f;
        };
    }
}
