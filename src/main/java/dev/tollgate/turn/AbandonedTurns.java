package dev.tollgate.turn;

import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Pricing;
import dev.tollgate.credits.Reservations;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.Usage;
import dev.tollgate.platform.Periodic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settles holds whose server died mid-answer. After the hold's expiry (its time to live is longer
 * than any answer may stream) it is captured at what the LLM service reports the request used,
 * or released when the service knows nothing of it, and marked EXPIRED. Every server runs this;
 * the hold's row lock and the entries' idempotency keys make two servers settle it once.
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
    Reservations reservations;

    @Inject
    @ConfigProperty(name = "tollgate.credits.hold-sweep-ms")
    long sweepMs;

    @Inject
    Periodic periodic;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        periodic.every(sweepMs, "Settling abandoned holds", this::sweep);
    }

    void sweep() {
        for (Charge hold : reservations.expired(100)) {
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
        String model = hold.model() != null ? hold.model() : pricing.model(null);
        ledger.expire(hold, used.map(u -> OptionalLong.of(pricing.cost(model, u.promptTokens(), u.completionTokens())))
                .orElse(OptionalLong.empty()));
    }
}
