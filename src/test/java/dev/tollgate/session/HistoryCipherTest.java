package dev.tollgate.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HistoryCipherTest {

    private static String key(char fill) {
        return Base64.getEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes());
    }

    private static HistoryCipher cipher(String spec) {
        HistoryCipher cipher = new HistoryCipher();
        cipher.configured = Optional.of(spec);
        cipher.read();
        return cipher;
    }

    @Test
    void whatIsSealedOpensAndIsNotTheText() {
        HistoryCipher cipher = cipher("a:" + key('a'));
        UUID session = UUID.randomUUID();
        HistoryCipher.Sealed sealed = cipher.seal(session, 1, "the secret plan");

        assertThat(sealed.keyId()).isEqualTo("a");
        assertThat(new String(sealed.bytes())).doesNotContain("secret");
        assertThat(cipher.open(session, 1, sealed.keyId(), sealed.bytes())).isEqualTo("the secret plan");
    }

    @Test
    void aNewKeyFirstSealsWhileTheOldOneStillOpens() {
        UUID session = UUID.randomUUID();
        HistoryCipher.Sealed old = cipher("old:" + key('o')).seal(session, 1, "before the rotation");
        HistoryCipher rotated = cipher("new:" + key('n') + ",old:" + key('o'));

        assertThat(rotated.open(session, 1, old.keyId(), old.bytes())).isEqualTo("before the rotation");
        assertThat(rotated.seal(session, 2, "after").keyId()).isEqualTo("new");
    }

    @Test
    void aRowMovedToAnotherPlaceOrSessionDoesNotOpen() {
        HistoryCipher cipher = cipher("a:" + key('a'));
        UUID session = UUID.randomUUID();
        HistoryCipher.Sealed sealed = cipher.seal(session, 1, "mine");

        assertThatThrownBy(() -> cipher.open(session, 2, "a", sealed.bytes())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(UUID.randomUUID(), 1, "a", sealed.bytes())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(session, 1, "gone", sealed.bytes())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keysMustBe32BytesAndAServerWithoutKeysSealsNothing() {
        assertThatThrownBy(() -> HistoryCipher.parse("short:" + Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(IllegalArgumentException.class);
        HistoryCipher none = cipher("");
        assertThat(none.configured()).isFalse();
        assertThatThrownBy(() -> none.seal(UUID.randomUUID(), 1, "x")).hasMessageContaining("TOLLGATE_HISTORY_KEYS");
    }
}
