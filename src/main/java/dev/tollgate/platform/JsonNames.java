package dev.tollgate.platform;

/** The wire spelling of a Java property name, matching {@link JsonFormat}. */
public final class JsonNames {

    private JsonNames() {
    }

    public static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
