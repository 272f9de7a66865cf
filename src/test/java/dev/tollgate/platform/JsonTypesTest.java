package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class JsonTypesTest {

    public record Part(String text, int weight) {
    }

    public record Body(String name, Long count, Boolean flag, List<Part> parts, Map<String, Object> extra, Part main) {
    }

    private static List<String> refusedFields(String json) {
        try {
            JsonTypes.read(json, Body.class, JsonFormat.STRICT);
        } catch (ProblemException e) {
            assertThat(e.status()).isEqualTo(400);
            List<Problem.FieldError> errors = e.toProblem("r").errors();
            return errors == null ? List.of() : errors.stream().map(Problem.FieldError::field).toList();
        }
        return List.of();
    }

    @Test
    void valuesOfTheRightTypeBind() {
        Body body = JsonTypes.read("""
                {"name":"a","count":3,"flag":true,"parts":[{"text":"x","weight":2}],"extra":{"any":[1,"b"]},"main":null}""",
                Body.class, JsonFormat.STRICT);
        assertThat(body.parts()).containsExactly(new Part("x", 2));
        assertThat(body.count()).isEqualTo(3L);
    }

    @Test
    void eachWrongTypeIsNamedWhereverItIs() {
        assertThat(refusedFields("{\"name\":1,\"count\":\"3\",\"flag\":\"yes\"}")).containsExactly("name", "count", "flag");
        assertThat(refusedFields("{\"count\":1.5}")).containsExactly("count");
        assertThat(refusedFields("{\"parts\":[{\"text\":\"x\",\"weight\":1},{\"text\":2,\"weight\":null}]}"))
                .containsExactly("parts[1].text", "parts[1].weight");
        assertThat(refusedFields("{\"main\":{\"text\":[]}}")).containsExactly("main.text");
        assertThat(refusedFields("{\"extra\":[]}")).containsExactly("extra");
        assertThat(refusedFields("[1]")).containsExactly("body");
    }

    @Test
    void brokenJsonIsAMalformedBody() {
        assertThatThrownBy(() -> JsonTypes.read("{\"name\":", Body.class, JsonFormat.STRICT))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.MALFORMED_BODY));
    }
}
