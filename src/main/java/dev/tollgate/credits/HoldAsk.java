package dev.tollgate.credits;

import jakarta.persistence.Query;
import java.time.Instant;

/**
 * A hold as {@code tollgate_reserve} (db/R__holds.sql) takes it: the charge, what the hold is for, when it
 * expires, the day and month the user's limits count from and a new pool's grant. Functions that
 * end with that hold ({@code tollgate_admit}, db/R__admission.sql) take the same {@link #ARGUMENTS}.
 */
public record HoldAsk(Charge charge, Reservation.Purpose purpose, Instant now, Instant expires, Instant dayStart,
                      Instant monthStart, long initialGrant) {

    public static final String ARGUMENTS = ":h_turn, :h_company, :h_user, :h_request, :h_session, :h_model, "
            + ":h_credits, :h_purpose, :h_now, :h_expires, :h_day_start, :h_month_start, :h_initial_grant";

    /**
     * What the hold functions answer (a short word), cast to a type of fixed size, PostgreSQL's
     * {@code name}. For a result of variable size, as their VARCHAR is, the PostgreSQL driver
     * cannot bound the reply and sends a Sync and waits for it before every execution of the
     * prepared statement: one more round trip on the path to the first token.
     */
    public static final String ANSWER_TYPE = "name";

    public Query bind(Query query) {
        return query.setParameter("h_turn", charge.turnId()).setParameter("h_company", charge.companyId())
                .setParameter("h_user", charge.userId()).setParameter("h_request", charge.requestId())
                .setParameter("h_session", charge.sessionId()).setParameter("h_model", charge.model())
                .setParameter("h_credits", charge.credits()).setParameter("h_purpose", purpose.name())
                .setParameter("h_now", now).setParameter("h_expires", expires)
                .setParameter("h_day_start", dayStart).setParameter("h_month_start", monthStart)
                .setParameter("h_initial_grant", initialGrant);
    }
}
