package dev.tollgate.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.platform.ProblemException;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionCursorTest {

    @Test
    void aCursorSurvivesTheRoundTripToNanoseconds() {
        var cursor = new SessionPage.Cursor(Instant.parse("2026-11-27T10:15:30.123456789Z"), UUID.randomUUID());
        assertThat(SessionPage.Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void aForgedCursorIsAClientError() {
        assertThatThrownBy(() -> SessionPage.Cursor.decode("not-a-cursor"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
