package dev.tollgate.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.platform.Problem;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterSchemaTest {

    private final FilterSchema schema = new FilterSchema("department:string, year:integer,score:number,published:boolean,tags:array");

    @Test
    void filtersOfTheRightTypesPass() {
        Map<String, Object> filters = Map.of("department", "legal", "year", new BigDecimal("2024"),
                "score", new BigDecimal("0.5"), "published", true, "tags", List.of("a"));
        assertThat(schema.check(filters)).isEqualTo(filters);
        assertThat(schema.check(null)).isEmpty();
    }

    @Test
    void unknownKeysAndWrongTypesAreEachReportedWith422() {
        Map<String, Object> filters = Map.of("year", new BigDecimal("2024.5"), "color", "red", "published", "yes");
        assertThatThrownBy(() -> schema.check(filters))
                .isInstanceOfSatisfying(FilterSchema.InvalidFilters.class, e -> {
                    Problem problem = e.toProblem("req");
                    assertThat(problem.status()).isEqualTo(422);
                    assertThat(problem.errors()).extracting(Problem.FieldError::field)
                            .containsExactlyInAnyOrder("filters.year", "filters.color", "filters.published");
                });
    }
}
