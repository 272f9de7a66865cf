package dev.tollgate.catalog;

import dev.tollgate.auth.Policies;
import dev.tollgate.platform.JsonFormat;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a catalog file (docs/llm-service-api.md, "The model catalog"): every field checked, and a
 * mistake named by its line (broken JSON) or its path ({@code models[1].deployments[0].weight}).
 * Unknown fields are mistakes too: a misspelt {@code wieght} must not silently mean weight 1.
 */
public final class CatalogFile {

    /** What is wrong with a catalog file. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    static final Set<String> TOKENIZERS = Set.of("o200k_base", "cl100k_base", "p50k_base", "r50k_base");
    private static final Set<String> MODEL_FIELDS = Set.of("name", "prices", "deployments", "max_context_tokens",
            "default_max_tokens", "tokenizer", "allowed_roles");
    private static final Set<String> DEPLOYMENT_FIELDS = Set.of("kind", "url", "model", "api_key_env", "weight",
            "azure_api_version", "timeout_first_token_ms", "max_concurrent");

    private CatalogFile() {
    }

    /** The models of the file's text; {@code preferredDefault} is the default model when the file has it. */
    public static Models parse(String text, String preferredDefault) {
        JsonValue root;
        try (var reader = JsonFormat.JSON.createReader(new StringReader(text))) {
            root = reader.readValue();
        } catch (JsonParsingException e) {
            throw new Invalid("line " + e.getLocation().getLineNumber() + ", column " + e.getLocation().getColumnNumber()
                    + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new Invalid("not JSON: " + e.getMessage());
        }
        JsonObject file = object(root, "the file");
        known(file, Set.of("models"), "the file");
        JsonArray list = array(required(file, "models", "the file"), "models");
        if (list.isEmpty()) {
            throw new Invalid("models is empty: name at least one model");
        }
        Map<String, Model> models = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Model model = model(list.get(i), "models[" + i + "]");
            if (models.putIfAbsent(model.name(), model) != null) {
                throw new Invalid("models[" + i + "].name: '" + model.name() + "' is in the catalog twice");
            }
        }
        String defaultModel = models.containsKey(preferredDefault) ? preferredDefault : models.keySet().iterator().next();
        return new Models(models, defaultModel);
    }

    private static Model model(JsonValue value, String at) {
        JsonObject model = object(value, at);
        known(model, MODEL_FIELDS, at);
        String name = string(model, "name", at, true);
        JsonObject prices = object(required(model, "prices", at), at + ".prices");
        known(prices, Set.of("prompt", "completion"), at + ".prices");
        Prices priced = new Prices(count(prices, "prompt", at + ".prices", true, 0),
                count(prices, "completion", at + ".prices", true, 0));
        JsonArray list = array(required(model, "deployments", at), at + ".deployments");
        if (list.isEmpty()) {
            throw new Invalid(at + ".deployments is empty: name at least one server");
        }
        List<Deployment> deployments = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            deployments.add(deployment(list.get(i), at + ".deployments[" + i + "]", name));
        }
        String tokenizer = string(model, "tokenizer", at, false);
        if (tokenizer != null && !TOKENIZERS.contains(tokenizer)) {
            throw new Invalid(at + ".tokenizer: '" + tokenizer + "' is none of " + TOKENIZERS);
        }
        Set<String> roles = null;
        if (model.containsKey("allowed_roles")) {
            roles = new LinkedHashSet<>();
            JsonArray named = array(model.get("allowed_roles"), at + ".allowed_roles");
            for (int i = 0; i < named.size(); i++) {
                if (!(named.get(i) instanceof JsonString role) || !Policies.ROLES.contains(role.getString())) {
                    throw new Invalid(at + ".allowed_roles[" + i + "] must be one of " + Policies.ROLES);
                }
                roles.add(role.getString());
            }
        }
        return new Model(name, priced, List.copyOf(deployments), optionalCount(model, "max_context_tokens", at),
                optionalCount(model, "default_max_tokens", at), tokenizer, roles);
    }

    private static Deployment deployment(JsonValue value, String at, String modelName) {
        JsonObject deployment = object(value, at);
        known(deployment, DEPLOYMENT_FIELDS, at);
        String kindName = string(deployment, "kind", at, true);
        Deployment.Kind kind;
        try {
            kind = Deployment.Kind.valueOf(kindName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Invalid(at + ".kind: '" + kindName + "' is neither 'openai' nor 'seed'");
        }
        String url = string(deployment, "url", at, true);
        URI parsed;
        try {
            parsed = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Invalid(at + ".url: '" + url + "' is not a URL");
        }
        if (parsed.getHost() == null || !("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))) {
            throw new Invalid(at + ".url: '" + url + "' is not an http:// or https:// URL");
        }
        String keyEnv = string(deployment, "api_key_env", at, false);
        if (keyEnv != null && !keyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new Invalid(at + ".api_key_env: '" + keyEnv + "' is not an environment variable's name");
        }
        String model = string(deployment, "model", at, false);
        Integer weight = optionalCount(deployment, "weight", at);
        return new Deployment(kind, url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
                model == null ? modelName : model, keyEnv, weight == null ? 1 : weight,
                string(deployment, "azure_api_version", at, false), optionalCount(deployment, "timeout_first_token_ms", at),
                optionalCount(deployment, "max_concurrent", at));
    }

    private static void known(JsonObject object, Set<String> fields, String at) {
        for (String field : object.keySet()) {
            if (!fields.contains(field)) {
                throw new Invalid((at.equals("the file") ? "" : at + ".") + field + " is not a catalog field (known: "
                        + new TreeSet<>(fields) + ")");
            }
        }
    }

    private static JsonValue required(JsonObject object, String field, String at) {
        JsonValue value = object.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw new Invalid((at.equals("the file") ? "" : at + ".") + field + " is missing");
        }
        return value;
    }

    private static JsonObject object(JsonValue value, String at) {
        if (!(value instanceof JsonObject object)) {
            throw new Invalid(at + " must be an object");
        }
        return object;
    }

    private static JsonArray array(JsonValue value, String at) {
        if (!(value instanceof JsonArray array)) {
            throw new Invalid(at + " must be an array");
        }
        return array;
    }

    private static String string(JsonObject object, String field, String at, boolean required) {
        JsonValue value = required ? required(object, field, at) : object.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonString text) || text.getString().isBlank()) {
            throw new Invalid(at + "." + field + " must be a non-empty string");
        }
        return text.getString();
    }

    private static long count(JsonObject object, String field, String at, boolean required, long least) {
        JsonValue value = required ? required(object, field, at) : object.get(field);
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.longValue() < least) {
            throw new Invalid(at + "." + field + " must be an integer of at least " + least);
        }
        return number.longValueExact();
    }

    private static Integer optionalCount(JsonObject object, String field, String at) {
        if (!object.containsKey(field)) {
            return null;
        }
        long value = count(object, field, at, true, 1);
        if (value > Integer.MAX_VALUE) {
            throw new Invalid(at + "." + field + " is too large");
        }
        return (int) value;
    }
}
