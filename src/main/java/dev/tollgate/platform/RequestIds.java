package dev.tollgate.platform;

import java.util.UUID;
import java.util.regex.Pattern;

/** Request ids travel from client to LLM service; a malformed incoming one is replaced, not trusted. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String ATTRIBUTE = "tollgate.request_id";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    private RequestIds() {
    }

    public static String keepOrCreate(String incoming) {
        return incoming != null && WELL_FORMED.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
    }
}
