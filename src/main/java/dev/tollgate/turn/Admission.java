package dev.tollgate.turn;

import dev.tollgate.credits.Charge;
import dev.tollgate.platform.Refusal;

/** What admission decided for a turn. */
sealed interface Admission {

    /**
     * The turn may call the LLM service: counted, its slot and this server's place taken, its
     * session the caller's (or opened now, {@code opensSession}) and its most held.
     */
    record Admitted(Charge charge, boolean opensSession, OpenStreams.Place place) implements Admission {
    }

    /** Refused, and nothing taken: no slot, no place, no hold. A refused turn still counts as a request. */
    record Refused(Refusal refusal) implements Admission {
    }
}
