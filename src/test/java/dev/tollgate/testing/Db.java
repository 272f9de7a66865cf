package dev.tollgate.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Direct reads of the test database, to check what Tollgate stored, through plain JDBC. */
public final class Db {

    private Db() {
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(System.getProperty("tollgate.db.url"),
                System.getProperty("tollgate.db.user"), System.getProperty("tollgate.db.password", ""));
    }

    public static List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                List<Map<String, Object>> result = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                        row.put(rs.getMetaData().getColumnLabel(col), rs.getObject(col));
                    }
                    result.add(row);
                }
                return result;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a statement that returns no rows (DDL, or a change a test makes behind Tollgate's back). */
    public static void execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            st.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many rows of any table in the schema contain the text, wherever it is stored. */
    public static long rowsContaining(String text) {
        long total = 0;
        for (Map<String, Object> table : rows("select table_name from information_schema.tables "
                + "where table_schema = 'public' and table_type = 'BASE TABLE'")) {
            String name = (String) table.get("table_name");
            total += ((Number) rows("select count(*) as n from \"" + name + "\" t where t::text like ?", "%" + text + "%")
                    .get(0).get("n")).longValue();
        }
        return total;
    }
}
