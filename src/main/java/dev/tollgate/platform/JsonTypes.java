package dev.tollgate.platform;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import java.io.StringReader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON body into a record only when every value has the JSON type its field declares.
 * JSON-B coerces on its own ({@code 123} into a String field, {@code "5"} into an Integer), so a
 * client's wrong type would pass silently; here it is a 400 naming the field.
 */
public final class JsonTypes {

    /** Each record's components with their wire names, looked up once per class. */
    private static final ClassValue<Map<String, Type>> FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, Type> computeValue(Class<?> record) {
            Map<String, Type> fields = new LinkedHashMap<>();
            for (RecordComponent component : record.getRecordComponents()) {
                fields.put(JsonNames.snake(component.getName()), component.getGenericType());
            }
            return fields;
        }
    };

    private JsonTypes() {
    }

    /** Parses, checks the types against {@code type}'s components, and binds with {@code binder}. */
    public static <T> T read(String body, Class<T> type, Jsonb binder) {
        JsonValue value;
        try (JsonReader reader = JsonFormat.JSON.createReader(new StringReader(body))) {
            value = reader.readValue();
        } catch (JsonException e) {
            throw new ProblemException(ProblemType.MALFORMED_BODY, "The request body is not valid JSON.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        check(value, type, "", errors);
        if (!errors.isEmpty()) {
            throw new WrongTypes(errors);
        }
        return binder.fromJson(body, type);
    }

    static void check(JsonValue value, Type type, String field, List<Problem.FieldError> errors) {
        Class<?> raw = raw(type);
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            if (raw.isPrimitive()) {
                errors.add(new Problem.FieldError(field.isEmpty() ? "body" : field, "must not be null"));
            }
            return;
        }
        Kind expected = Kind.of(raw);
        if (!expected.fits(value)) {
            errors.add(new Problem.FieldError(field.isEmpty() ? "body" : field, "must be " + expected.said));
            return;
        }
        if (raw.isRecord()) {
            JsonObject object = value.asJsonObject();
            FIELDS.get(raw).forEach((name, declared) -> {
                if (object.containsKey(name)) {
                    check(object.get(name), declared, field.isEmpty() ? name : field + "." + name, errors);
                }
            });
        } else if (Collection.class.isAssignableFrom(raw)) {
            Type element = argument(type, 0);
            JsonArray array = value.asJsonArray();
            for (int i = 0; i < array.size(); i++) {
                check(array.get(i), element, field + "[" + i + "]", errors);
            }
        } else if (Map.class.isAssignableFrom(raw)) {
            Type values = argument(type, 1);
            value.asJsonObject().forEach((key, entry) -> check(entry, values, field + "." + key, errors));
        }
    }

    /** The JSON type a Java type is written as; the /openapi document uses the same rules. */
    enum Kind {
        STRING("a string"), INTEGER("an integer"), NUMBER("a number"), BOOLEAN("true or false"),
        ARRAY("an array"), OBJECT("an object"), ANY("anything");

        final String said;

        Kind(String said) {
            this.said = said;
        }

        static Kind of(Class<?> raw) {
            if (raw == String.class || raw == java.util.UUID.class || raw.isEnum() || raw == java.time.Instant.class) {
                return STRING;
            }
            if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class
                    || raw == Short.class || raw == short.class || raw == BigInteger.class) {
                return INTEGER;
            }
            if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class
                    || raw == BigDecimal.class) {
                return NUMBER;
            }
            if (raw == Boolean.class || raw == boolean.class) {
                return BOOLEAN;
            }
            if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
                return ARRAY;
            }
            if (raw.isRecord() || Map.class.isAssignableFrom(raw)) {
                return OBJECT;
            }
            return ANY;
        }

        boolean fits(JsonValue value) {
            return switch (this) {
                case STRING -> value.getValueType() == JsonValue.ValueType.STRING;
                case INTEGER -> value instanceof JsonNumber number && number.isIntegral();
                case NUMBER -> value.getValueType() == JsonValue.ValueType.NUMBER;
                case BOOLEAN -> value == JsonValue.TRUE || value == JsonValue.FALSE;
                case ARRAY -> value.getValueType() == JsonValue.ValueType.ARRAY;
                case OBJECT -> value.getValueType() == JsonValue.ValueType.OBJECT;
                case ANY -> true;
            };
        }
    }

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index
                ? p.getActualTypeArguments()[index] : Object.class;
    }

    /** Values of the wrong JSON type: 400 with one entry per field. */
    static final class WrongTypes extends ProblemException {

        private final List<Problem.FieldError> errors;

        WrongTypes(List<Problem.FieldError> errors) {
            super(ProblemType.INVALID_REQUEST, "The request has fields of the wrong type: "
                    + String.join(", ", errors.stream().map(e -> e.field() + " " + e.message()).toList()) + ".");
            this.errors = List.copyOf(errors);
        }

        @Override
        public Problem toProblem(String requestId) {
            return super.toProblem(requestId).withErrors(errors);
        }
    }
}
