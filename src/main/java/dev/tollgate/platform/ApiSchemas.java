package dev.tollgate.platform;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * OpenAPI schemas of records the generator never sees (the problem body, the stream's events),
 * written by the same rules as the JSON they describe: snake_case names, records as objects.
 */
final class ApiSchemas {

    private ApiSchemas() {
    }

    static Schema of(Class<?> record) {
        Map<String, Schema> properties = new LinkedHashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            properties.put(JsonNames.snake(component.getName()), of(component.getGenericType()));
        }
        return OASFactory.createSchema().addType(SchemaType.OBJECT).properties(properties);
    }

    private static Schema of(Type type) {
        Class<?> raw = JsonTypes.raw(type);
        Schema schema = OASFactory.createSchema();
        return switch (JsonTypes.Kind.of(raw)) {
            case STRING -> schema.addType(SchemaType.STRING)
                    .format(raw == UUID.class ? "uuid" : raw == Instant.class ? "date-time" : null);
            case INTEGER -> schema.addType(SchemaType.INTEGER)
                    .format(raw == int.class || raw == Integer.class ? "int32" : "int64");
            case NUMBER -> schema.addType(SchemaType.NUMBER);
            case BOOLEAN -> schema.addType(SchemaType.BOOLEAN);
            case ARRAY -> schema.addType(SchemaType.ARRAY)
                    .items(of(((ParameterizedType) type).getActualTypeArguments()[0]));
            case OBJECT -> raw.isRecord() ? of(raw) : schema.addType(SchemaType.OBJECT);
            case ANY -> schema;
        };
    }
}
