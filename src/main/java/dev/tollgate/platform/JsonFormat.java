package dev.tollgate.platform;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * snake_case on the wire for every body Tollgate reads or writes, Java names in the code. A
 * client's body with a field Tollgate does not know is refused (a typo must not pass silently);
 * what the LLM service sends is read leniently, so it may add fields without breaking Tollgate.
 */
@Provider
public class JsonFormat implements ContextResolver<Jsonb> {

    /**
     * JSON-P, looked up once. {@code Json.createReader} and friends look the provider up on every
     * call, and under OSGi that first fails a class lookup with an exception, for every token
     * event parsed.
     */
    public static final JsonProvider JSON = JsonProvider.provider();

    /** For bodies the LLM service sends (webhooks, answers): unknown fields are ignored. */
    public static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

    /** For clients' request bodies. Yasson's switch; other JSON-B providers ignore it. */
    static final Jsonb STRICT = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .setProperty("jsonb.fail-on-unknown-properties", true));

    @Override
    public Jsonb getContext(Class<?> type) {
        return STRICT;
    }
}
