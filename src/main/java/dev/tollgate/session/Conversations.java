package dev.tollgate.session;

import dev.tollgate.auth.Caller;
import dev.tollgate.llm.Message;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The conversations Tollgate keeps, for sessions on models whose servers keep none (seed §5: one
 * owner, and for these sessions it is Tollgate). Encrypted at rest ({@link HistoryCipher}), never
 * logged or audited, deleted with their session.
 */
@ApplicationScoped
public class Conversations {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    HistoryCipher cipher;

    @Inject
    Clock clock;

    public boolean configured() {
        return cipher.configured();
    }

    /** Whether Tollgate keeps this session's conversation (its mirror row says so). */
    @Transactional
    public boolean kept(UUID session) {
        return !em.createNativeQuery("select 1 from chat_session where id = ?1 and kept")
                .setParameter(1, session).getResultList().isEmpty();
    }

    /** The caller's session's messages, oldest first; none for a session that is not the caller's. */
    @Transactional
    public List<Message> of(UUID session, Caller caller) {
        List<Message> messages = new ArrayList<>();
        for (Object row : em.createNativeQuery("""
                        select m.seq, m.role, m.key_id, m.content, m.created_at from session_message m
                        join chat_session s on s.id = m.session_id and s.user_id = ?2 and s.company_id = ?3
                        where m.session_id = ?1 order by m.seq""")
                .setParameter(1, session).setParameter(2, caller.userId()).setParameter(3, caller.companyId())
                .getResultList()) {
            Object[] cells = (Object[]) row;
            int seq = ((Number) cells[0]).intValue();
            messages.add(new Message((String) cells[1], cipher.open(session, seq, (String) cells[2], (byte[]) cells[3]),
                    cells[4].toString()));
        }
        return messages;
    }

    /** Adds the turn's question and answer after what the session holds. */
    @Transactional
    public void append(UUID session, String question, String answer) {
        Number last = (Number) em.createNativeQuery("select coalesce(max(seq), 0) from session_message where session_id = ?1")
                .setParameter(1, session).getSingleResult();
        int seq = last.intValue();
        Instant now = clock.instant();
        insert(session, ++seq, "user", question, now);
        insert(session, ++seq, "assistant", answer, now);
    }

    private void insert(UUID session, int seq, String role, String text, Instant at) {
        HistoryCipher.Sealed sealed = cipher.seal(session, seq, text);
        em.createNativeQuery("""
                        insert into session_message (session_id, seq, role, key_id, content, created_at)
                        values (?1, ?2, ?3, ?4, ?5, ?6)""")
                .setParameter(1, session).setParameter(2, seq).setParameter(3, role).setParameter(4, sealed.keyId())
                .setParameter(5, sealed.bytes()).setParameter(6, at).executeUpdate();
    }
}
