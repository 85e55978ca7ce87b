package dev.cyberia.treasury;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cyberia.keystore.Address;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The database a node keeps everything in (journal, ledger, policy; the agent tables and Quartz's
 * open on the same one): an H2 file in the Cyberia home by default, or PostgreSQL
 * ({@code jdbc:postgresql://...}). Migrated with Flyway on open; the migrations are the same on
 * both, with a vendor's own file only where the SQL must differ ({@code db/h2/treasury},
 * {@code db/postgresql/treasury}). Commits are durable: H2 with {@code WRITE_DELAY=0}, PostgreSQL
 * with its defaults ({@code synchronous_commit=on}).
 */
public final class TreasuryDatabase implements AutoCloseable {
    /** Connections per node: H2 in one process is cheap; a PostgreSQL server is shared by many nodes. */
    private static final int H2_CONNECTIONS = 64;

    private static final int POSTGRESQL_CONNECTIONS = 32;

    private final DataSource pool;
    private final AutoCloseable closer;
    private final Vendor vendor;

    /** Which SQL a database speaks, where the two differ. */
    public enum Vendor {
        H2,
        POSTGRESQL;

        static Vendor of(String jdbcUrl) {
            if (jdbcUrl.startsWith("jdbc:h2:")) {
                return H2;
            }
            if (jdbcUrl.startsWith("jdbc:postgresql:")) {
                return POSTGRESQL;
            }
            throw new InvalidTreasuryInputException("unsupported database URL '" + jdbcUrl
                    + "': use jdbc:postgresql://HOST:PORT/DATABASE, or leave it out for the H2 file in the home");
        }

        /** The database behind an open connection. */
        public static Vendor of(java.sql.Connection c) throws java.sql.SQLException {
            return c.getMetaData().getDatabaseProductName().startsWith("PostgreSQL") ? POSTGRESQL : H2;
        }

        /** The folder of the migrations whose SQL differs between the two: {@code db/h2/...}, {@code db/postgresql/...}. */
        public String folder() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private TreasuryDatabase(DataSource pool, AutoCloseable closer, Vendor vendor) {
        this.pool = pool;
        this.closer = closer;
        this.vendor = vendor;
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

    /** An H2 URL, or a PostgreSQL URL whose credentials are in the URL or not needed. */
    public static TreasuryDatabase open(String jdbcUrl) {
        return open(jdbcUrl, Optional.empty(), Optional.empty());
    }

    /**
     * Any supported URL, with credentials kept out of it (a password in a URL ends up in process
     * lists and shell histories).
     */
    public static TreasuryDatabase open(String jdbcUrl, Optional<String> user, Optional<String> password) {
        Vendor vendor = Vendor.of(jdbcUrl);
        DataSource pool;
        AutoCloseable closer;
        if (vendor == Vendor.H2) {
            JdbcConnectionPool h2 = JdbcConnectionPool.create(jdbcUrl, user.orElse("sa"), password.orElse(""));
            h2.setMaxConnections(H2_CONNECTIONS);
            pool = h2;
            closer = h2::dispose;
        } else {
            reach(jdbcUrl, user, password);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl);
            user.ifPresent(config::setUsername);
            password.ifPresent(config::setPassword);
            config.setMaximumPoolSize(POSTGRESQL_CONNECTIONS);
            config.setMinimumIdle(1);
            config.setPoolName("cyberia");
            config.setInitializationFailTimeout(-1); // the first use says why, not the pool's start
            config.setConnectionTimeout(20_000);
            HikariDataSource hikari = new HikariDataSource(config);
            pool = hikari;
            closer = hikari::close;
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/treasury", "classpath:db/" + vendor.folder() + "/treasury")
                    .table("treasury_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            closeQuietly(closer);
            throw new TreasuryException(
                    "cannot open the treasury database at " + redacted(jdbcUrl) + ": " + e.getMessage(), e);
        }
        return new TreasuryDatabase(pool, closer, vendor);
    }

    /** One connection, with a short wait, so that a server that is down or a wrong URL says so at once. */
    private static void reach(String jdbcUrl, Optional<String> user, Optional<String> password) {
        java.util.Properties props = new java.util.Properties();
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "5");
        try (java.sql.Connection c = new org.postgresql.Driver().connect(jdbcUrl, props)) {
            if (c == null) {
                throw new InvalidTreasuryInputException("not a PostgreSQL URL: " + redacted(jdbcUrl));
            }
        } catch (java.sql.SQLException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new TreasuryException(
                    "cannot reach the database at " + redacted(jdbcUrl) + ": " + why
                            + " (is the server running, and are the URL, $CYBERIA_DB_USER and the password right?)",
                    e);
        }
    }

    /** A URL as it may be shown: without a password given in it. */
    public static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static void closeQuietly(AutoCloseable closer) {
        try {
            closer.close();
        } catch (Exception ignored) {
            // the open failed already; that is the error to report
        }
    }

    /** Payments of every wallet that wait for a person. */
    public java.util.List<Payment> awaitingApproval() {
        return new dev.cyberia.treasury.internal.JournalStore(pool).inStates(null, "AWAITING_APPROVAL");
    }

    /** How many payments of every wallet are in each journal state, by the state's name (every state, 0 included). */
    public java.util.Map<String, Long> paymentsByState() {
        java.util.Map<String, Long> all = new java.util.TreeMap<>();
        PaymentState.names().forEach(state -> all.put(state, 0L));
        all.putAll(new dev.cyberia.treasury.internal.JournalStore(pool).countByState());
        return all;
    }

    /**
     * One wallet's books in one asset, in a line.
     *
     * @param held what the wallet and its channels hold, by the books
     * @param income what its {@code income:} accounts took in since the time asked for
     * @param spent what its {@code expenses:} accounts took out since then
     */
    public record WalletBooks(Address wallet, Amount held, Amount income, Amount spent) {}

    /** Every wallet's books in every asset, in one read: what a node's overview shows. */
    public java.util.List<WalletBooks> books(java.time.Instant since) {
        return new dev.cyberia.treasury.internal.JournalStore(pool)
                .books(since).stream()
                        .map(r -> {
                            Asset asset = new Asset(r.symbol(), r.decimals(), Optional.empty());
                            return new WalletBooks(
                                    r.wallet(),
                                    Amount.ofBaseUnits(asset, r.held().max(java.math.BigInteger.ZERO)),
                                    Amount.ofBaseUnits(asset, r.income().max(java.math.BigInteger.ZERO)),
                                    Amount.ofBaseUnits(asset, r.spent().max(java.math.BigInteger.ZERO)));
                        })
                        .toList();
    }

    public java.util.Optional<Payment> payment(long id) {
        return new dev.cyberia.treasury.internal.JournalStore(pool).byId(id);
    }

    public DataSource dataSource() {
        return pool;
    }

    public Vendor vendor() {
        return vendor;
    }

    @Override
    public void close() {
        closeQuietly(closer);
    }
}
