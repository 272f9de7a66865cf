package dev.tollgate.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;

/** What auditors read: pages of events and full exports streamed row by row ({@link UsageReports}: the report). */
@ApplicationScoped
public class AuditQueries {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    /** Newest first, after the cursor (the last row's time and id). */
    @Transactional
    public List<AuditView> page(AuditFilter filter, AuditCursor after, int limit) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            List<Object> values = new ArrayList<>();
            String sql = "select * from audit_event where " + filter.where(values)
                    + (after == null ? "" : " and (occurred_at, id) < (?, ?)") + " order by occurred_at desc, id desc limit ?";
            if (after != null) {
                values.add(Timestamp.from(after.occurredAt()));
                values.add(after.id());
            }
            values.add(limit);
            List<AuditView> page = new ArrayList<>();
            try (PreparedStatement select = prepare(connection, sql, values); ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    page.add(AuditView.of(rows));
                }
            }
            return page;
        });
    }

    /** Every matching row, oldest first, written as it is read: memory stays flat however many there are. */
    @Transactional
    public void exportCsv(AuditFilter filter, Writer out) {
        em.unwrap(Session.class).doWork(connection -> {
            List<Object> values = new ArrayList<>();
            try (PreparedStatement select = prepare(connection,
                    "select * from audit_event where " + filter.where(values) + " order by occurred_at, id", values)) {
                select.setFetchSize(2000); // a cursor, not the whole result, inside this transaction
                try (ResultSet rows = select.executeQuery()) {
                    out.write(AuditView.CSV_HEADER + "\n");
                    while (rows.next()) {
                        out.write(AuditView.of(rows).csv());
                        out.write('\n');
                    }
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static PreparedStatement prepare(Connection connection, String sql, List<Object> values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < values.size(); i++) {
            statement.setObject(i + 1, values.get(i));
        }
        return statement;
    }
}
