package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The database password reaches the test servers through their environment: no process on the
 * machine shows it in its command line (ps), and no server.env holds it.
 */
class SecretsIT {

    private static final String PASSWORD = System.getProperty("tollgate.db.password", "");

    private static List<String> commandLines() throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .map(p -> p.resolve("cmdline")).map(SecretsIT::readOrEmpty).toList();
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | SecurityException gone) {
            return "";
        }
    }

    @Test
    void theDatabasePasswordIsOnNoCommandLineAndInNoServerEnv() throws IOException {
        List<String> lines = commandLines();
        assertThat(lines).as("processes").anyMatch(line -> line.contains("ws-server.jar") || line.contains("wlp"));
        assertThat(lines).noneMatch(line -> line.contains("TOLLGATE_DB_PASSWORD") || line.contains("PGPASSWORD"));
        if (!PASSWORD.isEmpty()) { // bin/test always gives the role a password
            assertThat(lines).noneMatch(line -> line.contains(PASSWORD));
        }

        Path servers = Path.of(System.getProperty("tollgate.wlp.dir", "target/liberty/wlp"), "usr", "servers");
        try (Stream<Path> envs = Files.list(servers)) {
            List<Path> files = envs.map(dir -> dir.resolve("server.env")).filter(Files::exists).toList();
            assertThat(files).isNotEmpty();
            assertThat(files).allSatisfy(file -> assertThat(Files.readString(file)).doesNotContain("TOLLGATE_DB_PASSWORD"));
            if (!PASSWORD.isEmpty()) {
                assertThat(files).allSatisfy(file -> assertThat(Files.readString(file)).doesNotContain(PASSWORD));
            }
        }
    }
}
