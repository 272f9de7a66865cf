package dev.tollgate.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.platform.ProblemException;
import java.time.Instant;
import java.time.temporal.ChronoField;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionCursorTest {

    @Test
    void aCursorSurvivesTheRoundTripToNanoseconds() {
        var cursor = new SessionPage.Cursor(Instant.now().with(ChronoField.NANO_OF_SECOND, 123_456_789), UUID.randomUUID());
        assertThat(SessionPage.Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void aForgedCursorIsAClientError() {
        assertThatThrownBy(() -> SessionPage.Cursor.decode("not-a-cursor"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
