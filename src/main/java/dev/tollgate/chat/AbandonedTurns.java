package dev.tollgate.chat;

import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Pricing;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.Usage;
import dev.tollgate.platform.Periodic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settles holds whose server died mid-answer. After the hold's time to live (longer than any
 * answer may stream) it is captured at what the LLM service reports the request used, or
 * released when the service knows nothing of it. Every server runs this; the ledger's row lock
 * and idempotency keys make two servers settling the same hold book it once.
 */
@ApplicationScoped
public class AbandonedTurns {

    @Inject
    CreditLedger ledger;

    @Inject
    LlmService llm;

    @Inject
    Pricing pricing;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "tollgate.credits.hold-ttl-ms", defaultValue = "1800000")
    long holdTtlMs;

    @Inject
    @ConfigProperty(name = "tollgate.credits.hold-sweep-ms", defaultValue = "60000")
    long sweepMs;

    @Inject
    Periodic periodic;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        periodic.every(sweepMs, "Settling abandoned holds", this::sweep);
    }

    void sweep() {
        for (Charge hold : ledger.abandonedHolds(clock.instant().minus(Duration.ofMillis(holdTtlMs)), 100)) {
            settle(hold);
        }
    }

    private void settle(Charge hold) {
        Optional<Usage> used;
        try {
            used = hold.requestId() == null ? Optional.empty() : llm.usageOf(hold.requestId());
        } catch (LlmException unreachable) {
            return; // settle later, when the LLM service can say what was used
        }
        if (used.isPresent()) {
            String model = hold.model() != null ? hold.model() : pricing.model(null);
            ledger.capture(hold, pricing.cost(model, used.get().promptTokens(), used.get().completionTokens()));
        } else {
            ledger.release(hold);
        }
    }
}
