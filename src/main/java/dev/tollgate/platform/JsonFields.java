package dev.tollgate.platform;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;

/** Fields read from JSON the fronts take apart themselves (lines of a file, bodies of many shapes), each wrong one a 400 naming it. */
public final class JsonFields {

    private JsonFields() {
    }

    /** One line of JSONL as an object; {@code at} names it in the error ({@code line 3}). */
    public static JsonObject object(String line, String at) {
        try {
            JsonValue value = JsonFormat.JSON.createReader(new StringReader(line)).readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
        } catch (JsonParsingException e) {
            throw ProblemException.invalidField(at, "is not valid JSON: " + e.getMessage());
        } catch (JsonException e) {
            throw ProblemException.invalidField(at, "is not valid JSON");
        }
        throw ProblemException.invalidField(at, "must be a JSON object");
    }

    /** The string {@code field} of {@code body}, or null when it is absent or null. */
    public static String string(JsonObject body, String field) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString text)) {
            throw ProblemException.invalidField(field, "must be a string");
        }
        return text.getString();
    }
}
