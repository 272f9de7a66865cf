package dev.tollgate.session;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.auth.Caller;
import dev.tollgate.auth.Policies;
import dev.tollgate.llm.LlmService;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Opens sessions for their owner and keeps their usage metadata current. */
@ApplicationScoped
public class SessionMirror {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Conversations conversations;

    @Inject
    LlmService llm;

    @Inject
    Clock clock;

    @Inject
    Event<AuditEntry> audit;

    /**
     * The caller's session with that id, or a new one when no id is given. Someone else's session
     * answers exactly like a missing one, so ids leak nothing.
     */
    @Transactional
    public ChatSession open(Caller caller, UUID sessionId, String requestId) {
        if (sessionId != null) {
            return owned(caller, sessionId);
        }
        UUID id = UUID.randomUUID();
        // Created upstream first (no database connection is held yet): the create is idempotent,
        // a PUT with our id, so a failure after it leaves nothing that a retry would duplicate.
        llm.createSession(id, caller.userId(), caller.companyId(), requestId);
        // PostgreSQL keeps microseconds: what the client sees is what a later read returns.
        ChatSession session = new ChatSession(id, caller.userId(), caller.companyId(),
                Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        em.persist(session);
        audit.fire(AuditEntry.of("session.create", AuditEntry.Who.of(caller.companyId(), caller.userId()), requestId, id, "ok"));
        return session;
    }

    /** Not transactional: a refusal here is routine and must not roll anything back. */
    public ChatSession owned(Caller caller, UUID sessionId) {
        ChatSession session = em.find(ChatSession.class, sessionId);
        if (session == null || !Policies.mayUseSession(caller, session.userId(), session.companyId())) {
            throw notFound(sessionId).exception();
        }
        return session;
    }

    /** Someone else's session, or none: the caller is told it does not exist either way. */
    public static Refusal notFound(UUID sessionId) {
        return Refusal.of(ProblemType.SESSION_NOT_FOUND, "No session " + sessionId + " for this caller.");
    }

    /** The caller's sessions, newest first. */
    @Transactional
    public SessionPage page(Caller caller, String cursor, int limit) {
        return page(caller.companyId(), caller.userId(), cursor, limit);
    }

    /** A company's sessions (all its users'), newest first: for its admins. */
    @Transactional
    public SessionPage companyPage(Caller admin, String cursor, int limit) {
        if (!Policies.mayListCompanySessions(admin)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "Listing a company's sessions is for its company admins.");
        }
        return page(admin.companyId(), null, cursor, limit);
    }

    private SessionPage page(String companyId, String userId, String cursor, int limit) {
        SessionPage.Cursor after = cursor == null || cursor.isBlank() ? null : SessionPage.Cursor.decode(cursor);
        var query = em.createQuery("select s from ChatSession s where s.companyId = :company"
                        + (userId == null ? "" : " and s.userId = :user")
                        + (after == null ? "" : " and (s.createdAt < :afterTime or (s.createdAt = :afterTime and s.id < :afterId))")
                        + " order by s.createdAt desc, s.id desc", ChatSession.class)
                .setParameter("company", companyId)
                .setMaxResults(limit + 1);
        if (userId != null) {
            query.setParameter("user", userId);
        }
        if (after != null) {
            query.setParameter("afterTime", after.createdAt()).setParameter("afterId", after.id());
        }
        List<ChatSession> rows = query.getResultList();
        boolean more = rows.size() > limit;
        List<ChatSession> page = more ? rows.subList(0, limit) : rows;
        String next = more ? new SessionPage.Cursor(page.get(limit - 1).createdAt(), page.get(limit - 1).id()).encode() : null;
        return new SessionPage(page.stream().map(SessionView::of).toList(), next);
    }

    /**
     * Deletes upstream first, then the mirror: a failure upstream leaves the session usable. A
     * conversation Tollgate keeps goes with the mirror row (the database cascades).
     */
    @Transactional
    public void delete(Caller caller, UUID sessionId, String requestId) {
        ChatSession session = owned(caller, sessionId);
        if (!conversations.kept(sessionId)) {
            llm.deleteSession(sessionId, requestId);
        }
        em.remove(session);
        audit.fire(AuditEntry.of("session.delete", AuditEntry.Who.of(caller.companyId(), caller.userId()), requestId,
                sessionId, "ok"));
    }
}
