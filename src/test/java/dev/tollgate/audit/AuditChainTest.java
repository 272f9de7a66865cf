package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static String hash(String... fields) {
        return AuditChain.hash(Arrays.asList(fields), 7, AuditChain.GENESIS);
    }

    @Test
    void aCharacterMovedToTheNextFieldChangesTheHash() {
        assertThat(hash("ab", "c")).isNotEqualTo(hash("a", "bc"));
        assertThat(hash("a|b", "c")).isNotEqualTo(hash("a", "b|c"));
    }

    @Test
    void nullEmptyAndADashAreThreeDifferentValues() {
        assertThat(List.of(hash((String) null), hash(""), hash("-"))).doesNotHaveDuplicates();
    }

    @Test
    void thePlaceInTheChainAndThePreviousHashAreHashedToo() {
        List<String> fields = List.of(java.time.Instant.now().toString(), "acme", "alice");
        String base = AuditChain.hash(fields, 7, AuditChain.GENESIS);
        assertThat(AuditChain.hash(fields, 7, AuditChain.GENESIS)).isEqualTo(base).hasSize(64);
        assertThat(AuditChain.hash(fields, 8, AuditChain.GENESIS)).isNotEqualTo(base);
        assertThat(AuditChain.hash(fields, 7, "1".repeat(64))).isNotEqualTo(base);
    }
}
