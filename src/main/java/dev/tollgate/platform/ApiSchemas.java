package dev.tollgate.platform;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
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
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        Schema schema = OASFactory.createSchema();
        if (raw == String.class) {
            return schema.addType(SchemaType.STRING);
        }
        if (raw == UUID.class) {
            return schema.addType(SchemaType.STRING).format("uuid");
        }
        if (raw == Instant.class) {
            return schema.addType(SchemaType.STRING).format("date-time");
        }
        if (raw == int.class || raw == Integer.class) {
            return schema.addType(SchemaType.INTEGER).format("int32");
        }
        if (raw == long.class || raw == Long.class) {
            return schema.addType(SchemaType.INTEGER).format("int64");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return schema.addType(SchemaType.BOOLEAN);
        }
        if (Collection.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            return schema.addType(SchemaType.ARRAY).items(of(element));
        }
        if (raw.isRecord()) {
            return of(raw);
        }
        return schema.addType(SchemaType.OBJECT);
    }
}
