package dev.tollgate.testing;

import java.nio.file.Path;

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

    /** A token for a fresh user of a fresh company, so each test builds its own data. */
    public static DevJwt newUser() {
        return DevJwt.forNewUser();
    }
}
