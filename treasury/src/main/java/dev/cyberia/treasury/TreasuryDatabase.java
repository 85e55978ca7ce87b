package dev.cyberia.treasury;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The treasury's database: an H2 file in the Cyberia home by default, or any JDBC URL. Migrated
 * with Flyway on open. Commits are durable ({@code WRITE_DELAY=0}): a journal row that was
 * committed survives a killed process.
 */
public final class TreasuryDatabase implements AutoCloseable {
    private final JdbcConnectionPool pool;

    private TreasuryDatabase(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /**
     * {@code HOME/cyberia.mv.db}, shareable by several processes on this machine. The file is
     * opened through H2's {@code retry:} file system: a thread interrupted during a write (a
     * scheduler or an executor shutting down) would otherwise close the file for every user of
     * the database.
     */
    public static TreasuryDatabase forHome(Path home) {
        return open("jdbc:h2:retry:" + home.toAbsolutePath().resolve("cyberia")
                + ";AUTO_SERVER=TRUE;WRITE_DELAY=0;LOCK_TIMEOUT=20000;QUERY_CACHE_SIZE=64");
    }

    public static TreasuryDatabase open(String jdbcUrl) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "sa", "");
        pool.setMaxConnections(64);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/treasury")
                    .table("treasury_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.dispose();
            throw new TreasuryException("cannot open the treasury database at " + jdbcUrl + ": " + e.getMessage(), e);
        }
        return new TreasuryDatabase(pool);
    }

    /** Payments of every wallet that wait for a person. */
    public java.util.List<Payment> awaitingApproval() {
        return new dev.cyberia.treasury.internal.JournalStore(pool).inStates(null, "AWAITING_APPROVAL");
    }

    public java.util.Optional<Payment> payment(long id) {
        return new dev.cyberia.treasury.internal.JournalStore(pool).byId(id);
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
