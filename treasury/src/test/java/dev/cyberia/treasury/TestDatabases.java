package dev.cyberia.treasury;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database for one test: H2 by default, or a new database on the PostgreSQL server
 * that {@code scripts/test-postgres} started when the build runs with {@code
 * -Dcyberia.test.db=postgresql} (the {@code postgresql} executions do, when {@code
 * $CYBERIA_TEST_PG} names the server). The same tests run against both.
 */
public final class TestDatabases {
    private TestDatabases() {}

    /** Whether this run's tests use PostgreSQL. */
    public static boolean postgresql() {
        return "postgresql".equals(System.getProperty("cyberia.test.db"));
    }

    /** A new database that lives as long as the JVM (H2 in memory, or a PostgreSQL database). */
    public static String freshUrl() {
        return postgresql() ? freshPostgresql() : "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** A new database another process can open too (an H2 file under {@code dir}, or a PostgreSQL database). */
    public static String freshSharedUrl(Path dir) {
        return postgresql()
                ? freshPostgresql()
                : "jdbc:h2:file:" + dir.resolve("journal") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0;LOCK_TIMEOUT=20000";
    }

    public static TreasuryDatabase fresh() {
        return TreasuryDatabase.open(freshUrl());
    }

    private static String freshPostgresql() {
        String admin = System.getenv("CYBERIA_TEST_PG");
        if (admin == null || admin.isBlank()) {
            throw new IllegalStateException("-Dcyberia.test.db=postgresql needs $CYBERIA_TEST_PG: run"
                    + " eval \"$(scripts/test-postgres start)\" first");
        }
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(admin, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + admin + ": " + e.getMessage(), e);
        }
        return admin.substring(0, admin.lastIndexOf('/') + 1) + name + "?user=postgres";
    }
}
