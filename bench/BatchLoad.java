import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One batch of N items through two Tollgate servers sharing a database, and interactive chat's
 * time to first token on the first server while nothing else runs and while the batch runs.
 *
 *   java bench/BatchLoad.java SERVER1 SERVER2 TOKENS_FILE ITEMS ITEM_TOKENS CHAT_CLIENTS [MODEL, default sim-oa]
 */
public class BatchLoad {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z_]+)\"");
    private static final Pattern COMPLETED = Pattern.compile("\"completed\":(\\d+)");
    private static final Pattern TIME = Pattern.compile("\"%s\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String first = args[0];
        String second = args[1];
        List<String> tokens = Files.readAllLines(Path.of(args[2]));
        int items = Integer.parseInt(args[3]);
        int itemTokens = Integer.parseInt(args[4]);
        int chatClients = Integer.parseInt(args[5]);
        String model = args.length > 6 ? args[6] : "sim-oa";
        String owner = tokens.get(0);
        List<String> chatters = tokens.subList(1, 1 + chatClients);
        for (String server : List.of(first, second)) {
            chat(server, chatters, 200, new AtomicBoolean(true)); // warm-up of both servers' chat path
        }

        List<Long> idle = chat(first, chatters, 10 * chatClients, new AtomicBoolean(true));

        StringBuilder body = new StringBuilder("{\"model\":\"" + model + "\",\"items\":[");
        for (int i = 0; i < items; i++) {
            body.append(i == 0 ? "" : ",").append("{\"custom_id\":\"i").append(i)
                    .append("\",\"query\":\"bench item ").append(i).append(" [[sim tokens=").append(itemTokens)
                    .append("]]\",\"max_tokens\":").append(itemTokens).append('}');
        }
        body.append("]}");
        long posting = System.nanoTime();
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(first + "/api/v1/batches"))
                .header("Authorization", "Bearer " + owner).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        long postMs = (System.nanoTime() - posting) / 1_000_000;
        if (created.statusCode() != 202) {
            throw new IllegalStateException("batch refused: " + created.statusCode() + " " + created.body());
        }
        String id = created.body().replaceAll("(?s)^.*?\"id\":\"([^\"]+)\".*$", "$1");

        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService beside = Executors.newSingleThreadExecutor();
        var busy = beside.submit(() -> chat(first, chatters, Integer.MAX_VALUE, running));
        String batch;
        do {
            Thread.sleep(1000);
            batch = get(first + "/api/v1/batches/" + id, owner);
        } while (status(batch).equals("in_progress"));
        running.set(false);
        List<Long> during = busy.get();
        beside.shutdown();

        Instant start = Instant.parse(time(batch, "created_at"));
        Instant end = Instant.parse(time(batch, "ended_at"));
        double seconds = Duration.between(start, end).toMillis() / 1000.0;
        Matcher completed = COMPLETED.matcher(batch);
        int done = completed.find() ? Integer.parseInt(completed.group(1)) : -1;
        System.out.printf(Locale.ROOT, "# batch of %d items of %d tokens on two servers: %s, %d completed, "
                + "POST answered in %d ms, queued to ended in %.1f s: %.1f items/s%n",
                items, itemTokens, status(batch), done, postMs, seconds, done / seconds);
        System.out.println("| chat on server 1 | requests | TTFT p50 / p90 / p99 ms |");
        System.out.println("|---|---|---|");
        row("idle", idle);
        row("beside the batch", during);
    }

    /** Streams chats from the clients, one after another each, until {@code most} or until told to stop. */
    private static List<Long> chat(String server, List<String> clients, int most, AtomicBoolean going) throws Exception {
        List<Long> ttft = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        List<java.util.concurrent.Future<?>> all = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        for (String token : clients) {
            all.add(pool.submit(() -> {
                while (going.get() && asked.incrementAndGet() <= most) {
                    long sent = System.nanoTime();
                    HttpResponse<java.io.InputStream> answer = HTTP.send(HttpRequest.newBuilder(URI.create(server
                                    + "/api/v1/chat/stream")).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"query\":\"beside [[sim tokens=20 delay_ms=50]]\",\"max_tokens\":20}")).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
                        boolean first = true;
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            if (first && line.equals("event: token")) {
                                ttft.add(System.nanoTime() - sent);
                                first = false;
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (var each : all) {
            each.get();
        }
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(ttft);
        Collections.sort(sorted);
        return sorted;
    }

    private static void row(String what, List<Long> ttft) {
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f / %.1f / %.1f |%n", what, ttft.size(), pct(ttft, 50),
                pct(ttft, 90), pct(ttft, 99));
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }

    private static String get(String url, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String status(String batch) {
        Matcher m = STATUS.matcher(batch);
        return m.find() ? m.group(1) : "unknown";
    }

    private static String time(String batch, String name) {
        Matcher m = Pattern.compile(String.format(TIME.pattern(), name)).matcher(batch);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + batch);
        }
        return m.group(1);
    }
}
