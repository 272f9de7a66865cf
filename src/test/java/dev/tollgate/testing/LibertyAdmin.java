package dev.tollgate.testing;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Operates the test server the way an administrator would. */
public final class LibertyAdmin {

    private LibertyAdmin() {
    }

    /** Stops the whole server with Liberty's own command; returns when it has stopped. */
    public static void stopServer() throws Exception {
        Path server = Path.of(System.getProperty("tollgate.wlp.dir", "target/liberty/wlp"), "bin", "server");
        Process stop = new ProcessBuilder(server.toString(), "stop", System.getProperty("tollgate.server.name", "tollgate"))
                .inheritIO().start();
        if (!stop.waitFor(120, TimeUnit.SECONDS) || stop.exitValue() != 0) {
            throw new IllegalStateException("server stop failed");
        }
    }
}
