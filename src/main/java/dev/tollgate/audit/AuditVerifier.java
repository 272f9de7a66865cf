package dev.tollgate.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import org.hibernate.Session;

/**
 * Walks a company's chain over a period and recomputes every hash. A row whose content changed
 * no longer matches its hash; a row removed leaves its successor pointing at nothing. Only rows
 * dropped by retention may be missing: everything before the oldest row still kept, and the rows
 * before the places retention recorded in {@code audit_chain_gap} (a backdated row's month dropped
 * from the middle of the chain).
 */
@ApplicationScoped
public class AuditVerifier {

    /** The verdict: intact, or the first row where the chain breaks and why. */
    public record Verdict(boolean intact, long checked, long unsealed, Broken firstBroken) {
    }

    public record Broken(long id, long chainSeq, Instant occurredAt, String reason) {
    }

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Transactional
    public Verdict verify(String companyId, Instant from, Instant to) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            long oldest = oldestSeq(connection, companyId);
            long checked = 0;
            Long previousSeq = null;
            String previousHash = null;
            try (PreparedStatement select = connection.prepareStatement("select " + AuditChain.COLUMNS
                    + ", chain_seq, prev_hash, hash from audit_event where company_id = ? and occurred_at >= ? "
                    + "and occurred_at < ? and hash is not null order by chain_seq")) {
                select.setString(1, companyId);
                select.setTimestamp(2, Timestamp.from(from));
                select.setTimestamp(3, Timestamp.from(to));
                select.setFetchSize(2000);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        long seq = rows.getLong("chain_seq");
                        String prev = rows.getString("prev_hash");
                        String expectedPrev = seq == 1 ? AuditChain.GENESIS
                                : previousSeq != null && previousSeq == seq - 1 ? previousHash
                                : hashAt(connection, companyId, seq - 1);
                        if (expectedPrev == null && seq != oldest && !droppedBefore(connection, companyId, seq)) {
                            return broken(rows, seq, checked, "the row before it is missing");
                        }
                        if (expectedPrev != null && !expectedPrev.equals(prev)) {
                            return broken(rows, seq, checked, "it does not follow the row before it");
                        }
                        if (!AuditChain.hash(rows, seq, prev).equals(rows.getString("hash"))) {
                            return broken(rows, seq, checked, "its content does not match its hash");
                        }
                        previousSeq = seq;
                        previousHash = rows.getString("hash");
                        checked++;
                    }
                }
            }
            return new Verdict(true, checked, unsealed(connection, companyId, from, to), null);
        });
    }

    private static Verdict broken(ResultSet row, long seq, long checked, String reason) throws SQLException {
        return new Verdict(false, checked, 0, new Broken(row.getLong("id"), seq,
                row.getTimestamp("occurred_at").toInstant(), reason));
    }

    private static String hashAt(Connection connection, String companyId, long seq) throws SQLException {
        return first(connection, "select hash from audit_event where company_id = ? and chain_seq = ?", companyId, seq);
    }

    /** Whether retention dropped the row before this place of the chain (db/R__audit_partitions.sql). */
    private static boolean droppedBefore(Connection connection, String companyId, long seq) throws SQLException {
        return first(connection, "select 'gap' from audit_chain_gap where chain_key = ? and chain_seq = ?", companyId, seq)
                != null;
    }

    private static String first(Connection connection, String sql, String companyId, long seq) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, companyId);
            select.setLong(2, seq);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private static long oldestSeq(Connection connection, String companyId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select coalesce(min(chain_seq), 0) from audit_event where company_id = ?")) {
            select.setString(1, companyId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static long unsealed(Connection connection, String companyId, Instant from, Instant to) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select count(*) from audit_event "
                + "where company_id = ? and occurred_at >= ? and occurred_at < ? and hash is null")) {
            select.setString(1, companyId);
            select.setTimestamp(2, Timestamp.from(from));
            select.setTimestamp(3, Timestamp.from(to));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
