package dev.tollgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenCallersTest {

    private final TokenCallers callers = new TokenCallers();
    private final AtomicInteger reads = new AtomicInteger();

    private Caller read(String user) {
        reads.incrementAndGet();
        return new Caller(user, "acme", Set.of("user"));
    }

    @Test
    void aTokenIsReadOnceAndEachTokenForItself() {
        Caller first = callers.of("token-a", () -> read("alice"));
        Caller again = callers.of("token-a", () -> read("mallory"));
        Caller other = callers.of("token-b", () -> read("bob"));

        assertSame(first, again);
        assertEquals("alice", again.userId());
        assertEquals("bob", other.userId());
        assertEquals(2, reads.get());
    }

    @Test
    void pastItsBoundItForgetsAndReadsAgain() {
        for (int i = 0; i < TokenCallers.MAX; i++) {
            callers.of("token-" + i, () -> read("user"));
        }
        callers.of("one-more", () -> read("user"));
        callers.of("token-0", () -> read("user"));

        assertEquals(TokenCallers.MAX + 2, reads.get());
    }
}
