import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where Liberty's CPU goes, from `perf script -F comm,tid,ip,sym` output (bench/lib/profile.sh
 * writes it): every sample is given to the first part of the work, in the order below, that one
 * of its frames belongs to, and each part is shown as a share of the samples and, given the CPU
 * per answer the same level measured, as milliseconds per answer.
 *
 * Usage: java bench/ProfileSummary.java STACKS_FILE [CPU_MS_PER_ANSWER] [TOP_FRAMES]
 */
public class ProfileSummary {

    /** A part of the work and what its frames look like (thread names for the JVM's own threads). */
    record Part(String name, Pattern thread, Pattern frame) {
        boolean owns(String comm, List<String> frames) {
            if (thread != null && thread.matcher(comm).find()) {
                return true;
            }
            return frame != null && frames.stream().anyMatch(f -> frame.matcher(f).find());
        }
    }

    static final List<Part> PARTS = List.of(
            new Part("JIT compilers", Pattern.compile("C2 Compiler|C1 Compiler|CompilerThre"), null),
            new Part("garbage collection", Pattern.compile("^G1|^GC|VM Thread|Conc"), null),
            new Part("metrics scrape", null, Pattern.compile("microprofile.metrics|io.smallrye.metrics|PrometheusExport")),
            new Part("database (JDBC, pool, Hibernate)", null, Pattern.compile("org.postgresql|hibernate|com.ibm.ws.rsadapter|com.ibm.ejs.j2c|jdbc")),
            new Part("JWT verification", null, Pattern.compile("jose4j|mp.jwt|security.jwt|JwtConsumer|com.ibm.ws.security.mp")),
            new Part("security (other)", null, Pattern.compile("com.ibm.ws.security|com.ibm.ws.webcontainer.security")),
            new Part("SSE/event write to the client", null, Pattern.compile("SseOut|SseFrames|ChunkFrames|Sse.*Output|SseEvent")),
            new Part("upstream (Jetty client)", null, Pattern.compile("org.eclipse.jetty")),
            new Part("token relay (Turn, decoder)", null, Pattern.compile("dev.tollgate.turn.Turn|UpstreamStream|SseLineDecoder|ChatWire|OpenAiWire")),
            new Part("JSON (JSON-B, JSON-P)", null, Pattern.compile("yasson|org.eclipse.parsson|jakarta.json|JsonFormat")),
            new Part("bean validation", null, Pattern.compile("hibernate.validator|jakarta.validation")),
            new Part("JAX-RS (RESTEasy)", null, Pattern.compile("resteasy")),
            new Part("CDI (Weld), interceptors", null, Pattern.compile("org.jboss.weld|interceptor")),
            new Part("Tollgate (other)", null, Pattern.compile("dev.tollgate")),
            new Part("Liberty HTTP channel, web container", null, Pattern.compile("com.ibm.ws.http|com.ibm.ws.webcontainer|com.ibm.ws.tcpchannel|com.ibm.io.async|com.ibm.wsspi")),
            new Part("Liberty threads, executors", null, Pattern.compile("com.ibm.ws.threading|java.util.concurrent")),
            new Part("kernel (network, scheduler)", null, Pattern.compile("\\[kernel|^do_syscall|entry_SYSCALL|tcp_|__x64_sys|schedule")),
            new Part("interpreter", null, Pattern.compile("^Interpreter$")));

    public static void main(String[] args) throws Exception {
        double msPerAnswer = args.length > 1 ? Double.parseDouble(args[1]) : Double.NaN;
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Map<String, Long> parts = new LinkedHashMap<>();
        PARTS.forEach(p -> parts.put(p.name(), 0L));
        parts.put("other", 0L);
        Map<String, Long> leaves = new TreeMap<>();
        long samples = 0;
        try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String comm = null;
            List<String> frames = new ArrayList<>();
            for (String line = in.readLine(); ; line = in.readLine()) {
                if (line == null || line.isBlank()) {
                    if (comm != null) {
                        samples++;
                        String thread = comm;
                        String part = PARTS.stream().filter(p -> p.owns(thread, frames)).map(Part::name).findFirst().orElse("other");
                        parts.merge(part, 1L, Long::sum);
                        leaves.merge(frames.isEmpty() ? "?" : frames.get(0), 1L, Long::sum);
                    }
                    comm = null;
                    frames.clear();
                    if (line == null) {
                        break;
                    }
                } else if (!Character.isWhitespace(line.charAt(0))) {
                    comm = line.trim().replaceAll("\\s+\\d+$", "");
                } else {
                    String[] frame = line.trim().split("\\s+", 2);
                    frames.add(frame.length > 1 ? frame[1].replaceAll(" \\(.*\\)$", "") : frame[0]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d samples%n%n| part | share | ms per answer |%n|---|---|---|%n", samples);
        long all = samples;
        parts.forEach((name, n) -> {
            if (n > 0) {
                System.out.printf(Locale.ROOT, "| %s | %.1f %% | %s |%n", name, 100.0 * n / all,
                        Double.isNaN(msPerAnswer) ? "" : String.format(Locale.ROOT, "%.2f", msPerAnswer * n / all));
            }
        });
        System.out.printf(Locale.ROOT, "%nTop leaf frames:%n");
        leaves.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.2f %%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
    }
}
