package dev.tollgate.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.Session;

/**
 * Chains new rows: each unsealed row, in id order, gets the next place in its company's chain,
 * the hash of the row before it, and its own hash. Rows are written unsealed (a plain insert, no
 * lock shared by a company's requests); sealing follows within a second. One server seals at a
 * time (a transaction-scoped advisory lock); the others skip their turn.
 */
@ApplicationScoped
public class AuditSealer {

    private static final long LOCK = 0x70ff_a0d1_7L;

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    /** Seals up to a batch of rows; returns how many. */
    @Transactional
    public int seal() {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet locked = lock.executeQuery()) {
                    if (!locked.next() || !locked.getBoolean(1)) {
                        return 0;
                    }
                }
            }
            return sealBatch(connection);
        });
    }

    private static int sealBatch(Connection connection) throws SQLException {
        Map<String, long[]> seqs = new HashMap<>();
        Map<String, String> hashes = new HashMap<>();
        int sealed = 0;
        try (PreparedStatement select = connection.prepareStatement("select " + AuditChain.COLUMNS
                + " from audit_event where hash is null order by id limit 2000");
             PreparedStatement update = connection.prepareStatement(
                     "update audit_event set chain_seq = ?, prev_hash = ?, hash = ? where id = ? and occurred_at = ?");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String key = rows.getString("company_id") == null ? "" : rows.getString("company_id");
                if (!seqs.containsKey(key)) {
                    head(connection, key, seqs, hashes);
                }
                long seq = ++seqs.get(key)[0];
                String previous = hashes.get(key);
                String hash = AuditChain.hash(rows, seq, previous);
                update.setLong(1, seq);
                update.setString(2, previous);
                update.setString(3, hash);
                update.setLong(4, rows.getLong("id"));
                update.setTimestamp(5, rows.getTimestamp("occurred_at"));
                update.addBatch();
                hashes.put(key, hash);
                sealed++;
            }
            update.executeBatch();
        }
        try (PreparedStatement head = connection.prepareStatement("""
                insert into audit_chain_head (chain_key, last_seq, last_hash) values (?, ?, ?)
                on conflict (chain_key) do update set last_seq = excluded.last_seq, last_hash = excluded.last_hash""")) {
            for (var chain : seqs.entrySet()) {
                head.setString(1, chain.getKey());
                head.setLong(2, chain.getValue()[0]);
                head.setString(3, hashes.get(chain.getKey()));
                head.addBatch();
            }
            head.executeBatch();
        }
        return sealed;
    }

    private static void head(Connection connection, String key, Map<String, long[]> seqs, Map<String, String> hashes)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select last_seq, last_hash from audit_chain_head where chain_key = ?")) {
            select.setString(1, key);
            try (ResultSet head = select.executeQuery()) {
                boolean found = head.next();
                seqs.put(key, new long[] {found ? head.getLong(1) : 0});
                hashes.put(key, found ? head.getString(2) : AuditChain.GENESIS);
            }
        }
    }
}
