package dev.tollgate.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the build put the server under test, from failsafe's system properties. */
public final class TestEnv {

    private TestEnv() {
    }

    public static String baseUrl() {
        return System.getProperty("tollgate.url", "http://127.0.0.1:19080");
    }

    /** The second server the build starts on the same database. */
    public static String secondUrl() {
        return System.getProperty("tollgate.url2", "http://127.0.0.1:19081");
    }

    public static Path keysDir() {
        return Path.of(System.getProperty("tollgate.keys.dir", "target/keys"));
    }

    public static Path serverLogs() {
        return Path.of(System.getProperty("tollgate.server.log", "target/liberty/wlp/usr/servers/tollgate/logs"));
    }

    /** The second server's logs, beside the first's. */
    public static Path secondServerLogs() {
        return serverLogs().getParent().getParent().resolve(System.getProperty("tollgate.server2.name", "peer"))
                .resolve("logs");
    }

    /** The log files under these directories that contain {@code text}, for tests that show something is never logged. */
    public static List<Path> logsContaining(String text, Path... directories) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path directory : directories) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (Files.readString(file, StandardCharsets.ISO_8859_1).contains(text)) {
                        found.add(file);
                    }
                }
            }
        }
        return found;
    }

    /** A token for a fresh user of a fresh company, so each test builds its own data. */
    public static DevJwt newUser() {
        return DevJwt.forNewUser();
    }
}
