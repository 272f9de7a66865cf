package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"req-12345678", "0f8fad5b-d9cb-469f-a165-70867728950e", "trace.abc:42_x"})
    void wellFormedIncomingIdsAreKept(String id) {
        assertThat(RequestIds.keepOrCreate(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "short", "has space in it", "<script>alert(1)</script>", "x\r\nSet-Cookie: a=b",
            "0123456789012345678901234567890123456789012345678901234567890123456789"})
    void missingOrMalformedIdsAreReplaced(String id) {
        String made = RequestIds.keepOrCreate(id);
        assertThat(made).isNotEqualTo(id).matches("[0-9a-f-]{36}");
    }
}
