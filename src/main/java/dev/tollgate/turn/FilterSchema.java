package dev.tollgate.turn;

import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which search filters a chat may carry and of which type, from configuration such as
 * {@code tollgate.chat.filters=department:string,year:integer,published:boolean,tags:array}.
 * The gateway validates them so the LLM service never sees a filter it does not expect.
 */
@ApplicationScoped
public class FilterSchema {

    enum Type { STRING, INTEGER, NUMBER, BOOLEAN, ARRAY }

    private final Map<String, Type> allowed = new LinkedHashMap<>();

    @Inject
    public FilterSchema(@ConfigProperty(name = "tollgate.chat.filters") String spec) {
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split(":");
            if (parts.length == 2) {
                allowed.put(parts[0].trim(), Type.valueOf(parts[1].trim().toUpperCase()));
            }
        }
    }

    protected FilterSchema() {
    }

    /** 422 with one field error per offending filter, or the filters unchanged. */
    Map<String, Object> check(Map<String, Object> filters) {
        if (filters == null || filters.isEmpty()) {
            return Map.of();
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        filters.forEach((key, value) -> {
            Type type = allowed.get(key);
            if (type == null) {
                errors.add(new Problem.FieldError("filters." + key, "unknown filter; allowed: " + allowed.keySet()));
            } else if (!matches(type, value)) {
                errors.add(new Problem.FieldError("filters." + key, "must be " + type.name().toLowerCase()));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidFilters(errors);
        }
        return filters;
    }

    private static boolean matches(Type type, Object value) {
        return switch (type) {
            case STRING -> value instanceof String;
            case BOOLEAN -> value instanceof Boolean;
            case ARRAY -> value instanceof List<?>;
            case NUMBER -> value instanceof Number;
            case INTEGER -> value instanceof Number number && isIntegral(number);
        };
    }

    private static boolean isIntegral(Number number) {
        if (number instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros().scale() <= 0;
        }
        return number instanceof Integer || number instanceof Long;
    }

    /** 422: the request is well-formed JSON but its filters do not fit the schema. */
    static final class InvalidFilters extends ProblemException {

        private final List<Problem.FieldError> errors;

        InvalidFilters(List<Problem.FieldError> errors) {
            super(ProblemType.INVALID_FILTERS, "Some filters are unknown or of the wrong type.");
            this.errors = errors;
        }

        @Override
        public Problem toProblem(String requestId) {
            return super.toProblem(requestId).withErrors(errors);
        }
    }
}
