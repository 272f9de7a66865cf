package dev.tollgate.auth;

import dev.tollgate.platform.Hashes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The callers of the tokens seen lately, by the token's SHA-256 (the bearer token itself is not
 * kept): a token's claims never change, and reading a custom claim out of Liberty's token costs an
 * exception each time. Only a token the container has verified for the request at hand is looked
 * up, so an entry never stands in for verification (an expired token is refused before it is).
 */
@ApplicationScoped
public class TokenCallers {

    /** Bounded by emptying: past it, the next requests read their tokens once more. */
    static final int MAX = 10_000;

    private final Map<String, Caller> seen = new ConcurrentHashMap<>();

    /** The caller of {@code token}, read by {@code read} the first time only. */
    public Caller of(String token, Supplier<Caller> read) {
        String key = Hashes.sha256(token);
        Caller known = seen.get(key);
        if (known != null) {
            return known;
        }
        Caller caller = read.get();
        if (seen.size() >= MAX) {
            seen.clear();
        }
        seen.put(key, caller);
        return caller;
    }

}
