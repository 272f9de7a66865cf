package dev.tollgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.asset.Asset;
import org.jboss.shrinkwrap.api.asset.StringAsset;

/** What the in-container tests' archives carry besides their classes. */
public final class Archives {

    private Archives() {
    }

    /**
     * The application's configuration defaults (the code names none of its own), without the
     * /openapi document's settings, which name classes such an archive leaves out.
     */
    public static Asset config() {
        try (InputStream in = Archives.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            String defaults = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new StringAsset(defaults.lines().filter(line -> !line.startsWith("mp.openapi."))
                    .collect(Collectors.joining("\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
