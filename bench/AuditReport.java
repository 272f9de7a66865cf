import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Times what an auditor waits for (run with `java bench/AuditReport.java`): the usage report for
 * each grouping (best of three, after one warm-up) and one full CSV export, streamed and counted.
 *
 * Usage: java bench/AuditReport.java TOLLGATE_URL AUDITOR_TOKEN EVENTS
 */
public class AuditReport {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        System.out.println("## Audit log, " + args[2] + " events of one company");
        System.out.println();
        System.out.println("| measure | time |");
        System.out.println("|---|---|");
        for (String group : new String[] {"user", "day", "model", "session"}) {
            get(url + "/api/v1/audit/reports/usage?group_by=" + group, token, "application/json");
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                get(url + "/api/v1/audit/reports/usage?group_by=" + group, token, "application/json");
                best = Math.min(best, System.nanoTime() - start);
            }
            System.out.printf("| usage report, group_by=%s | %d ms |%n", group, best / 1_000_000);
        }
        long start = System.nanoTime();
        long[] counted = get(url + "/api/v1/audit/events", token, "text/csv");
        System.out.printf("| full CSV export (%,d rows, %,d MB) | %d ms |%n", counted[0] - 1, counted[1] >> 20,
                (System.nanoTime() - start) / 1_000_000);
        start = System.nanoTime();
        get(url + "/api/v1/audit/verify", token, "application/json");
        System.out.printf("| verify (rows loaded unchained: stops at the first) | %d ms |%n", (System.nanoTime() - start) / 1_000_000);
    }

    /** Reads the whole answer as it streams; returns its lines and bytes. */
    static long[] get(String url, String token, String accept) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes()));
        }
        long lines = 0;
        long bytes = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return new long[] {lines, bytes};
    }
}
