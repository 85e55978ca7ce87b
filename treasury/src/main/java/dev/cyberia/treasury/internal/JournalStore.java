package dev.cyberia.treasury.internal;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.SignedTransaction;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.IllegalPaymentTransitionException;
import dev.cyberia.treasury.InvalidTreasuryInputException;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PaymentRequest;
import dev.cyberia.treasury.PaymentState;
import dev.cyberia.treasury.SpendPolicy;
import dev.cyberia.treasury.TreasuryException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/** The payment journal, ledger and policy tables, in plain JDBC. Every write is one transaction. */
public final class JournalStore {
    private static final String COLUMNS =
            "id, idempotency_key, payer, payee, asset, token, decimals, amount, purpose, chain_id,"
                    + " state, reason, nonce, tx_hash, block_number, gas_fee, created_at, updated_at, kind,"
                    + " auth_nonce, valid_before, resource";

    /** States in which a payment's money is committed but not yet mined or settled. */
    private static final String IN_FLIGHT = "'SIGNED', 'BROADCAST', 'AUTHORIZED', 'SENT'";

    private final DataSource dataSource;

    public JournalStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A ledger leg to write. */
    public record Leg(String account, Asset asset, BigInteger amount) {}

    /** What the decision made under the wallet's lock says: go on and sign, or stop in a state with a reason. */
    public sealed interface Verdict {
        record Go() implements Verdict {}

        /** @param state DENIED, AWAITING_APPROVAL or FAILED */
        record Stop(String state, String reason) implements Verdict {}
    }

    /** An x402 payment signed for a purchase: the header as it is sent, its authorization's nonce and end. */
    public record SignedPurchase(
            String header, String authorizationNonce, long validBefore, Optional<ChannelStore.Signed> onChannel) {
        public SignedPurchase(String header, String authorizationNonce, long validBefore) {
            this(header, authorizationNonce, validBefore, Optional.empty());
        }
    }

    /** What a seller answered, kept with a settled purchase so that a re-run gets the same answer. */
    public record StoredResponse(int status, String headersJson, byte[] body) {}

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new TreasuryException("treasury database error: " + e.getMessage(), e);
        }
    }

    /** One read of one statement: no transaction to open and commit around it. */
    <T> T read(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            throw new TreasuryException("treasury database error: " + e.getMessage(), e);
        }
    }

    /** Writes the intent, or returns the payment already made under this key (which must be the same payment). */
    public Payment intend(PaymentRequest request, Address payer, long chainId, Instant now) {
        return intend(request, payer, chainId, "TRANSFER", null, now);
    }

    /**
     * Writes the intent to collect an x402 payment through a facilitator (kind {@code X402_IN}): the
     * buyer's payment header as it came, when its authorization ends, and the block before which it
     * cannot have settled; or returns the collection under this key. It stays INTENDED until the
     * chain shows the authorization used (CONFIRMED, booked) or expired unused (FAILED).
     */
    public Payment intendCollection(
            PaymentRequest request,
            Address wallet,
            long chainId,
            String header,
            long validBefore,
            long head,
            Instant now) {
        Payment p = intend(request, wallet, chainId, "X402_IN", null, now);
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE payments SET x402_payment = ?, valid_before = ?,"
                    + " signed_at_block = ? WHERE id = ? AND x402_payment IS NULL")) {
                ps.setString(1, header);
                ps.setLong(2, validBefore);
                ps.setLong(3, head);
                ps.setLong(4, p.id());
                ps.executeUpdate();
            }
            return null;
        });
        return p;
    }

    /** This wallet's last {@code limit} journal entries (payments, purchases, collections), newest first. */
    public List<Payment> recent(Address wallet, int limit) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM payments WHERE payer = ?"
                    + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY")) {
                ps.setString(1, wallet.toString());
                ps.setInt(2, limit);
                List<Payment> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    /** This wallet's collections through a facilitator whose outcome the chain has not told yet. */
    public List<Payment> collectionsInFlight(Address wallet) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM payments WHERE payer = ?"
                    + " AND kind = 'X402_IN' AND state = 'INTENDED' ORDER BY id")) {
                ps.setString(1, wallet.toString());
                List<Payment> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    /** When a collection's authorization ends (epoch seconds). */
    public long validBefore(long id) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT valid_before FROM payments WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * Marks a collection settled (CONFIRMED) by the transaction the chain shows, with no gas of
     * ours, and books its legs in one transaction; one already settled is returned as it is.
     */
    public Payment settleCollection(long id, String txHash, long block, List<Leg> legs, Address wallet, Instant now) {
        return inTransaction(c -> {
            Payment current = byIdIn(c, id);
            if (current.state() instanceof PaymentState.Confirmed
                    || !moveUnlessFinal(c, id, List.of("INTENDED", "FAILED"), "CONFIRMED", null, now)) {
                return byIdIn(c, id);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE payments SET tx_hash = ?, block_number = ?, gas_fee = 0 WHERE id = ?")) {
                ps.setString(1, txHash);
                ps.setLong(2, block);
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            bookIn(c, wallet, "payment-" + id + "-0", legs, id, txHash, "x402 " + current.purpose(), now);
            return byIdIn(c, id);
        });
    }

    /** Writes the intent of an x402 purchase of {@code resource}; or returns the one under this key. */
    public Payment intendPurchase(PaymentRequest request, Address payer, long chainId, String resource, Instant now) {
        return intend(request, payer, chainId, "X402", resource, now);
    }

    private Payment intend(
            PaymentRequest request, Address payer, long chainId, String kind, String resource, Instant now) {
        Optional<Payment> existing = byKey(request.idempotencyKey());
        if (existing.isPresent()) {
            return sameAs(existing.get(), request, payer);
        }
        try {
            return inTransaction(c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("INSERT INTO payments (idempotency_key, payer, payee, asset, token,"
                                + " decimals, amount, purpose, chain_id, state, created_at, updated_at, kind, resource)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'INTENDED', ?, ?, ?, ?)")) {
                    ps.setString(1, request.idempotencyKey());
                    ps.setString(2, payer.toString());
                    ps.setString(3, request.payee().toString());
                    ps.setString(4, request.amount().asset().symbol());
                    ps.setString(
                            5,
                            request.amount()
                                    .asset()
                                    .token()
                                    .map(Address::toString)
                                    .orElse(null));
                    ps.setInt(6, request.amount().asset().decimals());
                    ps.setBigDecimal(7, new BigDecimal(request.amount().baseUnits()));
                    ps.setString(8, request.purpose());
                    ps.setLong(9, chainId);
                    ps.setTimestamp(10, Timestamp.from(now));
                    ps.setTimestamp(11, Timestamp.from(now));
                    ps.setString(12, kind);
                    ps.setString(13, resource);
                    ps.executeUpdate();
                }
                return byKey(c, request.idempotencyKey()).orElseThrow();
            });
        } catch (TreasuryException e) {
            if (e.getCause() instanceof SQLException sql
                    && "23505".equals(sql.getSQLState())) { // a concurrent twin won
                return sameAs(byKey(request.idempotencyKey()).orElseThrow(), request, payer);
            }
            throw e;
        }
    }

    private static Payment sameAs(Payment existing, PaymentRequest request, Address payer) {
        boolean same = existing.payer().equals(payer)
                && existing.payee().equals(request.payee())
                && existing.amount().equals(request.amount());
        if (!same) {
            throw new InvalidTreasuryInputException("idempotency key '" + request.idempotencyKey()
                    + "' was already used for a different payment (#" + existing.id() + "); use a new key");
        }
        return existing;
    }

    public Optional<Payment> byKey(String key) {
        return inTransaction(c -> byKey(c, key));
    }

    private static Optional<Payment> byKey(Connection c, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + COLUMNS + " FROM payments WHERE idempotency_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    public Optional<Payment> byId(long id) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM payments WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    public List<Payment> inStates(Address payer, String... states) {
        return inTransaction(c -> {
            String in = String.join(",", java.util.Collections.nCopies(states.length, "?"));
            String sql = "SELECT " + COLUMNS + " FROM payments WHERE state IN (" + in + ")"
                    + (payer == null ? "" : " AND payer = ?") + " ORDER BY id";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < states.length; i++) {
                    ps.setString(i + 1, states[i]);
                }
                if (payer != null) {
                    ps.setString(states.length + 1, payer.toString());
                }
                List<Payment> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    public void recordDecision(
            long paymentId, Address wallet, String decision, String reason, String decidedBy, Instant now) {
        inTransaction(c -> {
            insertDecision(c, paymentId, wallet, decision, reason, decidedBy, now);
            return null;
        });
    }

    private static void insertDecision(
            Connection c, long paymentId, Address wallet, String decision, String reason, String decidedBy, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_decisions (payment_id, wallet, decision,"
                + " reason, decided_by, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, paymentId);
            ps.setString(2, wallet.toString());
            ps.setString(3, decision);
            ps.setString(4, reason);
            ps.setString(5, decidedBy);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    /** A spend decision and the reason recorded with it. */
    public record Decided(Verdict verdict, String reason) {}

    /**
     * Moves a payment to a state that carries only a reason (approval, denial, failure before
     * signing, release), compare-and-set: only from one of {@code from}.
     *
     * @throws IllegalPaymentTransitionException when the payment is in none of them (moved by someone else)
     */
    public Payment setState(long id, List<String> from, String state, String reason, Instant now) {
        if (!List.of("AWAITING_APPROVAL", "DENIED", "FAILED").contains(state)) {
            throw new IllegalPaymentTransitionException("payment #" + id + " cannot be set " + state
                    + " with a reason alone: signing, sending and settling do that; nothing was changed");
        }
        return inTransaction(c -> {
            move(c, id, from, state, reason, now);
            return byIdIn(c, id);
        });
    }

    /** Adds what happened to a payment (a seller's refusal, a dispute) without moving it. */
    public Payment note(long id, String reason, String dispute, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE payments SET reason = COALESCE(?, reason),"
                    + " dispute = COALESCE(?, dispute), updated_at = ? WHERE id = ?")) {
                ps.setString(1, reason);
                ps.setString(2, dispute);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            return byIdIn(c, id);
        });
    }

    /** The moves a transfer may make, each from one state to one of the next. */
    private static final java.util.Map<String, java.util.Set<String>> TRANSFER_MOVES = java.util.Map.of(
            "INTENDED", java.util.Set.of("AWAITING_APPROVAL", "DENIED", "FAILED", "SIGNED"),
            "AWAITING_APPROVAL", java.util.Set.of("DENIED", "FAILED", "SIGNED"),
            "SIGNED", java.util.Set.of("BROADCAST", "CONFIRMED", "FAILED"),
            "BROADCAST", java.util.Set.of("CONFIRMED", "FAILED"));

    /** The moves an x402 purchase may make; a released one (FAILED) is settled after all if the chain says so. */
    private static final java.util.Map<String, java.util.Set<String>> PURCHASE_MOVES = java.util.Map.of(
            "INTENDED", java.util.Set.of("DENIED", "FAILED", "AUTHORIZED"),
            "AUTHORIZED", java.util.Set.of("SENT", "CONFIRMED", "FAILED"),
            "SENT", java.util.Set.of("CONFIRMED", "FAILED"),
            "FAILED", java.util.Set.of("CONFIRMED"));

    /**
     * The moves a collection through a facilitator may make: the chain settles it or it expires; a
     * released one is settled after all if the chain says so.
     */
    private static final java.util.Map<String, java.util.Set<String>> COLLECTION_MOVES = java.util.Map.of(
            "INTENDED", java.util.Set.of("CONFIRMED", "FAILED"),
            "FAILED", java.util.Set.of("CONFIRMED"));

    /**
     * The one place a payment's state changes: only a legal move for its kind, only from one of
     * {@code from}, as a compare-and-set ({@code UPDATE ... WHERE state = <current>}); anything
     * else is an error and changes nothing.
     */
    static void move(Connection c, long id, List<String> from, String state, String reason, Instant now)
            throws SQLException {
        Payment current = byIdIn(c, id);
        String at = current.state().name();
        var moves = current.isPurchase() ? PURCHASE_MOVES : isCollection(c, id) ? COLLECTION_MOVES : TRANSFER_MOVES;
        if (!from.contains(at) || !moves.getOrDefault(at, java.util.Set.of()).contains(state)) {
            throw new IllegalPaymentTransitionException("payment #" + id + " is " + at
                    + (from.contains(at) ? "" : ", not " + String.join(" or ", from)) + ": it cannot become " + state
                    + (from.contains(at)
                            ? " (not a move a " + (current.isPurchase() ? "purchase" : "transfer or collection")
                                    + " makes)"
                            : " (another call moved it first)")
                    + "; nothing was changed");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE payments SET state = ?, reason = ?, updated_at = ? WHERE id = ? AND state = ?")) {
            ps.setString(1, state);
            ps.setString(2, reason);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setLong(4, id);
            ps.setString(5, at);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        throw new IllegalPaymentTransitionException("payment #" + id + " was " + at + " and was moved by another"
                + " call before it could become " + state + "; nothing was changed");
    }

    private static boolean isCollection(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT kind FROM payments WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "X402_IN".equals(rs.getString(1));
            }
        }
    }

    /** Like {@link #move}, but a payment a twin call already settled (a final state) is left as it is: false. */
    private static boolean moveUnlessFinal(
            Connection c, long id, List<String> from, String state, String reason, Instant now) throws SQLException {
        try {
            move(c, id, from, state, reason, now);
            return true;
        } catch (IllegalPaymentTransitionException e) {
            if (byIdIn(c, id).state().isFinal()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Runs {@code work} in one transaction that holds the wallet's row lock: decisions about one
     * wallet's money (policy, funds, nonce) are made one at a time across threads and processes,
     * and each one's effect is committed before the next is made.
     */
    private static boolean lockRow(Connection c, Address wallet) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT address FROM wallets WHERE address = ? FOR UPDATE")) {
            lock.setString(1, wallet.toString());
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The wallet's row, inserted when missing (in a savepoint: a twin inserting it at the same
     * moment leaves the row there, and PostgreSQL's transaction usable).
     */
    private static void ensureWallet(Connection c, Address wallet) throws SQLException {
        java.sql.Savepoint before = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO wallets (address) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM wallets WHERE address = ?)")) {
            ps.setString(1, wallet.toString());
            ps.setString(2, wallet.toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before); // inserted by a twin: there it is
        }
    }

    /** The next posting number (the two databases name a sequence's next value differently). */
    private static long nextPosting(Connection c) throws SQLException {
        String sql = dev.cyberia.treasury.TreasuryDatabase.Vendor.of(c)
                        == dev.cyberia.treasury.TreasuryDatabase.Vendor.POSTGRESQL
                ? "SELECT nextval('ledger_postings')"
                : "SELECT NEXT VALUE FOR ledger_postings";
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The threads of this process queue for a wallet here, before the database's row lock: a queue
     * in the database would hold a pooled connection per waiting thread, and the holder, which
     * reads through other connections, could find none left.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.locks.ReentrantLock>
            LOCAL_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    <T> T underWalletLock(Address wallet, SqlWork<T> work) {
        java.util.concurrent.locks.ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(
                System.identityHashCode(dataSource) + ":" + wallet,
                k -> new java.util.concurrent.locks.ReentrantLock());
        local.lock();
        try {
            return underRowLock(wallet, work);
        } finally {
            local.unlock();
        }
    }

    private <T> T underRowLock(Address wallet, SqlWork<T> work) {
        return inTransaction(c -> {
            if (!lockRow(c, wallet)) {
                ensureWallet(c, wallet);
                c.commit(); // the row exists for every later lock
                lockRow(c, wallet);
            }
            return work.run(c);
        });
    }

    /**
     * Decides and signs an x402 purchase under the wallet's lock: {@code decide} (the spend policy
     * and the funds check, against what is committed) either stops it in a state, or the
     * authorization is signed and its header committed as AUTHORIZED before this returns, before
     * anything is sent.
     */
    public Payment authorize(
            long id,
            Address payer,
            java.util.function.Supplier<Decided> decide,
            java.util.function.Supplier<SignedPurchase> sign,
            long headBlock,
            Instant now) {
        return underWalletLock(payer, c -> {
            Payment current = byIdIn(c, id);
            if (!(current.state() instanceof PaymentState.Intended)) {
                return current; // decided meanwhile by a twin call: never sign twice
            }
            Decided decided = decide.get();
            insertDecision(
                    c,
                    id,
                    payer,
                    decided.verdict() instanceof Verdict.Go ? "ALLOW" : "DENY",
                    decided.reason(),
                    "spend-policy",
                    now);
            if (decided.verdict() instanceof Verdict.Stop stop) {
                move(c, id, List.of("INTENDED"), stop.state(), stop.reason(), now);
                return byIdIn(c, id);
            }
            if (!current.isPurchase()) {
                throw new IllegalPaymentTransitionException("payment #" + id
                        + " is a transfer, not a purchase: it is never authorized; nothing was signed");
            }
            SignedPurchase signed = sign.get();
            move(c, id, List.of("INTENDED"), "AUTHORIZED", null, now);
            try (PreparedStatement ps = c.prepareStatement("UPDATE payments SET x402_payment = ?, auth_nonce = ?,"
                    + " valid_before = ?, signed_at_block = ? WHERE id = ?")) {
                ps.setString(1, signed.header());
                ps.setString(2, signed.authorizationNonce());
                ps.setLong(3, signed.validBefore());
                ps.setLong(4, headBlock);
                ps.setLong(5, id);
                ps.executeUpdate();
            }
            if (signed.onChannel().isPresent()) {
                ChannelStore.signedOnIn(c, signed.onChannel().get(), now, id);
            }
            return byIdIn(c, id);
        });
    }

    /** The committed {@code PAYMENT-SIGNATURE} header of a purchase. */
    public String purchaseHeader(long id) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT x402_payment FROM payments WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    /** The block the chain was at when a purchase was signed: its settlement cannot be older. */
    public long signedAtBlock(long id) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT signed_at_block FROM payments WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** AUTHORIZED → SENT, just before the header goes out; a purchase already SENT stays so. */
    public Payment markSent(long id, Instant now) {
        return inTransaction(c -> {
            if (byIdIn(c, id).state() instanceof PaymentState.Authorized) {
                try {
                    move(c, id, List.of("AUTHORIZED"), "SENT", null, now);
                } catch (IllegalPaymentTransitionException twinMovedItFirst) {
                    // SENT (or further) already: the same header goes out again, which is the point
                }
            }
            return byIdIn(c, id);
        });
    }

    /**
     * Marks a purchase settled (CONFIRMED) with its settlement transaction and books its legs, in
     * one transaction, with the seller's answer when there is one; a purchase already settled is
     * returned as it is (booked once).
     */
    public Payment settlePurchase(
            long id,
            String txHash,
            long block,
            List<Leg> legs,
            Address wallet,
            StoredResponse response,
            String dispute,
            Instant now) {
        return inTransaction(c -> {
            Payment current = byIdIn(c, id);
            if (current.state() instanceof PaymentState.Confirmed
                    || !moveUnlessFinal(c, id, List.of("AUTHORIZED", "SENT", "FAILED"), "CONFIRMED", null, now)) {
                if (response != null) {
                    storeResponse(c, id, response); // a twin (or the reconciler) booked it: keep the answer
                }
                return byIdIn(c, id);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE payments SET tx_hash = ?, block_number = ?,"
                    + " gas_fee = 0, dispute = COALESCE(?, dispute) WHERE id = ?")) {
                ps.setString(1, txHash);
                ps.setLong(2, block);
                ps.setString(3, dispute);
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            if (response != null) {
                storeResponse(c, id, response);
            }
            bookIn(c, wallet, "payment-" + id + "-0", legs, id, txHash, "x402 " + current.purpose(), now);
            return byIdIn(c, id);
        });
    }

    /** Keeps the seller's answer with a purchase (its first answer wins). */
    public void recordResponse(long id, StoredResponse response) {
        inTransaction(c -> {
            storeResponse(c, id, response);
            return null;
        });
    }

    static void storeResponse(Connection c, long id, StoredResponse response) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE payments SET response_status = ?,"
                + " response_headers = ?, response_body = ? WHERE id = ? AND response_status IS NULL")) {
            ps.setInt(1, response.status());
            ps.setString(2, response.headersJson());
            ps.setBytes(3, response.body());
            ps.setLong(4, id);
            ps.executeUpdate();
        }
    }

    /** The payees of {@code payer}'s purchases disputed since {@code since} (by when they were noted). */
    public java.util.Set<Address> disputedSellers(Address payer, Instant since) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT payee FROM payments"
                    + " WHERE payer = ? AND dispute IS NOT NULL AND updated_at >= ?")) {
                ps.setString(1, payer.toString());
                ps.setTimestamp(2, Timestamp.from(since));
                java.util.Set<Address> out = new java.util.HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Address.parse(rs.getString(1)));
                    }
                }
                return out;
            }
        });
    }

    /** The seller's answer kept with a purchase, and the dispute recorded against it, if any. */
    public record PurchaseRecord(
            Optional<StoredResponse> response, Optional<String> dispute, Optional<String> reason) {}

    public PurchaseRecord purchaseRecord(long id) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT response_status, response_headers, response_body, dispute, reason FROM payments WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int status = rs.getInt(1);
                    Optional<StoredResponse> response = rs.wasNull()
                            ? Optional.empty()
                            : Optional.of(new StoredResponse(status, rs.getString(2), rs.getBytes(3)));
                    return new PurchaseRecord(
                            response, Optional.ofNullable(rs.getString(4)), Optional.ofNullable(rs.getString(5)));
                }
            }
        });
    }

    /**
     * Decides, takes the wallet's next nonce and signs, in one transaction holding the wallet's row
     * lock, so that no two payments of one wallet (in any process) get the same nonce and no two
     * decisions overlap. {@code decide} (policy, funds, fees) either stops the payment in a state
     * or lets it be signed; the signed bytes are committed before this returns, before anything is
     * broadcast.
     *
     * @param from the states the payment may be signed from (INTENDED, or AWAITING_APPROVAL once approved)
     * @param chainNonce the chain's pending nonce for the wallet, read while the lock is held
     */
    public Payment sign(
            long id,
            Address payer,
            long chainId,
            List<String> from,
            java.util.function.Supplier<Verdict> decide,
            Function<Address, BigInteger> chainNonce,
            Function<BigInteger, SignedTransaction> signer,
            Instant now) {
        return underWalletLock(payer, c -> {
            Payment current = byIdIn(c, id);
            if (!from.contains(current.state().name())) {
                if (current.state() instanceof PaymentState.Intended
                        || current.state() instanceof PaymentState.AwaitingApproval) {
                    throw new IllegalPaymentTransitionException("payment #" + id + " is "
                            + current.state().name() + ", not " + String.join(" or ", from) + "; nothing was signed");
                }
                return current; // signed or decided meanwhile by a twin call: never sign twice
            }
            if (decide.get() instanceof Verdict.Stop stop) {
                move(c, id, from, stop.state(), stop.reason(), now);
                return byIdIn(c, id);
            }
            BigInteger next = chainNonce.apply(payer);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT MAX(nonce) FROM payments WHERE payer = ? AND chain_id = ? AND nonce IS NOT NULL"
                            + " AND (state IN ('SIGNED', 'BROADCAST', 'CONFIRMED') OR block_number IS NOT NULL)")) {
                ps.setString(1, payer.toString());
                ps.setLong(2, chainId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBigDecimal(1) != null) {
                        next = next.max(rs.getBigDecimal(1).toBigIntegerExact().add(BigInteger.ONE));
                    }
                }
            }
            SignedTransaction signed = signer.apply(next);
            move(c, id, from, "SIGNED", null, now);
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE payments SET nonce = ?, raw_tx = ?, tx_hash = ? WHERE id = ?")) {
                ps.setBigDecimal(1, new BigDecimal(next));
                ps.setBytes(2, signed.raw());
                ps.setString(3, signed.hashHex());
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            return byIdIn(c, id);
        });
    }

    /** The node refused the signed transaction outright: it never reached the chain, so its nonce is free again. */
    public Payment rejectSigned(long id, String reason, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE payments SET state = 'FAILED', reason = ?, nonce = NULL,"
                            + " updated_at = ? WHERE id = ? AND state IN ('SIGNED', 'BROADCAST')")) {
                ps.setString(1, reason);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            return byIdIn(c, id);
        });
    }

    public byte[] rawTransaction(long id) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT raw_tx FROM payments WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBytes(1);
                }
            }
        });
    }

    public Payment markBroadcast(long id, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE payments SET state = 'BROADCAST', updated_at = ? WHERE id = ? AND state = 'SIGNED'")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            return byIdIn(c, id);
        });
    }

    /**
     * Marks a payment mined (confirmed, or failed by revert) and books its legs, in one transaction;
     * a transaction's movement is booked once whatever calls this how often.
     */
    public Payment settle(
            long id,
            boolean succeeded,
            long block,
            BigInteger gasFee,
            String reason,
            List<List<Leg>> postings,
            Address wallet,
            String txHash,
            Instant now) {
        return inTransaction(c -> {
            Payment current = byIdIn(c, id);
            if (current.state().isFinal()) {
                return current; // a twin call settled it: booked once
            }
            if (!moveUnlessFinal(
                    c, id, List.of("SIGNED", "BROADCAST"), succeeded ? "CONFIRMED" : "FAILED", reason, now)) {
                return byIdIn(c, id); // a twin call settled it meanwhile: booked once
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE payments SET block_number = ?, gas_fee = ? WHERE id = ?")) {
                ps.setLong(1, block);
                ps.setBigDecimal(2, new BigDecimal(gasFee));
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            int kind = 0;
            for (List<Leg> posting : postings) {
                bookIn(c, wallet, "payment-" + id + "-" + kind++, posting, id, txHash, null, now);
            }
            return byIdIn(c, id);
        });
    }

    /** Books a movement that is not one of our payments (faucet funding, income), once per (tx, kind). */
    public boolean book(Address wallet, String kind, List<Leg> legs, String txHash, String memo, Instant now) {
        return inTransaction(c -> bookIn(c, wallet, kind, legs, 0, txHash, memo, now));
    }

    static boolean bookIn(
            Connection c,
            Address wallet,
            String kind,
            List<Leg> legs,
            long paymentId,
            String txHash,
            String memo,
            Instant now)
            throws SQLException {
        BigInteger sum = legs.stream().map(Leg::amount).reduce(BigInteger.ZERO, BigInteger::add);
        if (sum.signum() != 0) {
            throw new IllegalArgumentException("a posting's legs must sum to zero, got " + sum);
        }
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM booked_movements WHERE tx_hash = ? AND wallet = ? AND kind = ?")) {
            ps.setString(1, txHash);
            ps.setString(2, wallet.toString());
            ps.setString(3, kind);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        long posting = nextPosting(c);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO booked_movements (tx_hash, wallet, kind, posting_id) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, txHash);
            ps.setString(2, wallet.toString());
            ps.setString(3, kind);
            ps.setLong(4, posting);
            ps.executeUpdate();
        }
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO ledger_entries (posting_id, wallet, account, asset, decimals,"
                        + " amount, payment_id, tx_hash, memo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Leg leg : legs) {
                ps.setLong(1, posting);
                ps.setString(2, wallet.toString());
                ps.setString(3, leg.account());
                ps.setString(4, leg.asset().symbol());
                ps.setInt(5, leg.asset().decimals());
                ps.setBigDecimal(6, new BigDecimal(leg.amount()));
                if (paymentId > 0) {
                    ps.setLong(7, paymentId);
                } else {
                    ps.setNull(7, java.sql.Types.BIGINT);
                }
                ps.setString(8, txHash);
                ps.setString(9, memo);
                ps.setTimestamp(10, Timestamp.from(now));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return true;
    }

    public List<LedgerEntry> ledger(Address wallet) {
        return ledgerAfter(wallet, Instant.EPOCH.minusSeconds(1));
    }

    /** The wallet's ledger entries booked after {@code after}, in posting order. */
    public List<LedgerEntry> ledgerAfter(Address wallet, Instant after) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT posting_id, account, asset, decimals, amount,"
                    + " payment_id, tx_hash, memo, created_at FROM ledger_entries WHERE wallet = ? AND created_at > ?"
                    + " ORDER BY posting_id, id")) {
                ps.setString(1, wallet.toString());
                ps.setTimestamp(2, Timestamp.from(after));
                List<LedgerEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Asset asset = new Asset(rs.getString(3), rs.getInt(4), Optional.empty());
                        out.add(new LedgerEntry(
                                rs.getLong(1),
                                wallet,
                                rs.getString(2),
                                asset,
                                rs.getBigDecimal(5).toBigIntegerExact(),
                                rs.getLong(6),
                                rs.getString(7),
                                rs.getString(8),
                                rs.getTimestamp(9).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /** How many payments of every wallet are in each journal state (for metrics). */
    public java.util.Map<String, Long> countByState() {
        return read(c -> {
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM payments GROUP BY state");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    /** A wallet's sums in one asset: held (wallet and channels), income and spend since a time. */
    public record BookSums(
            Address wallet, String symbol, int decimals, BigInteger held, BigInteger income, BigInteger spent) {}

    /** Every wallet's {@link BookSums}, in one pass over the ledger. */
    public List<BookSums> books(Instant since) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT wallet, asset, MAX(decimals),"
                    + " SUM(CASE WHEN account LIKE 'assets:wallet:%' OR account LIKE 'assets:channels:%'"
                    + " THEN amount ELSE 0 END),"
                    + " SUM(CASE WHEN account LIKE 'income:%' AND created_at >= ? THEN -amount ELSE 0 END),"
                    + " SUM(CASE WHEN account LIKE 'expenses:%' AND created_at >= ? THEN amount ELSE 0 END)"
                    + " FROM ledger_entries GROUP BY wallet, asset")) {
                ps.setTimestamp(1, Timestamp.from(since));
                ps.setTimestamp(2, Timestamp.from(since));
                List<BookSums> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BookSums(
                                Address.parse(rs.getString(1)),
                                rs.getString(2),
                                rs.getInt(3),
                                rs.getBigDecimal(4).toBigIntegerExact(),
                                rs.getBigDecimal(5).toBigIntegerExact(),
                                rs.getBigDecimal(6).toBigIntegerExact()));
                    }
                }
                return out;
            }
        });
    }

    /** Sum of a wallet's ledger account in one asset. */
    public BigInteger accountBalance(Address wallet, String account, String symbol) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE wallet = ? AND account = ? AND asset = ?")) {
                ps.setString(1, wallet.toString());
                ps.setString(2, account);
                ps.setString(3, symbol);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBigDecimal(1).toBigIntegerExact();
                }
            }
        });
    }

    /**
     * What a wallet spent in an asset since {@code since}: its own payments signed or sent (not
     * failed, not denied), plus x402 payments it authorized that sellers settled (booked outflows).
     */
    public BigInteger spentSince(Address payer, String symbol, Instant since) {
        BigInteger own = sum(
                "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE payer = ? AND asset = ?" + " AND state IN ("
                        + IN_FLIGHT + ", 'CONFIRMED') AND purpose LIKE 'expenses:%' AND created_at >= ?",
                payer,
                symbol,
                since);
        BigInteger settledBySellers = sum(
                "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE wallet = ? AND asset = ?"
                        + " AND account LIKE 'expenses:%' AND payment_id IS NULL AND created_at >= ?",
                payer, symbol, since);
        return own.add(settledBySellers);
    }

    /** What is signed or sent but not yet mined: not spendable again. */
    public BigInteger inFlight(Address payer, String symbol) {
        // by (payer, state): the few payments in flight, not every payment the wallet made
        return sum(
                "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE payer = ? AND asset = ? AND state IN (" + IN_FLIGHT
                        + ")" + " AND purpose LIKE 'expenses:%'",
                payer,
                symbol,
                null);
    }

    private BigInteger sum(String sql, Address payer, String symbol, Instant since) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, payer.toString());
                ps.setString(2, symbol);
                if (since != null) {
                    ps.setTimestamp(3, Timestamp.from(since));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBigDecimal(1).toBigIntegerExact();
                }
            }
        });
    }

    public SpendPolicy policy(Address wallet) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT spend_policy FROM wallets WHERE address = ?")) {
                ps.setString(1, wallet.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getString(1) != null
                            ? SpendPolicy.fromJson(rs.getString(1))
                            : SpendPolicy.unrestricted();
                }
            }
        });
    }

    public void setPolicy(Address wallet, SpendPolicy policy) {
        inTransaction(c -> {
            ensureWallet(c, wallet);
            try (PreparedStatement ps = c.prepareStatement("UPDATE wallets SET spend_policy = ? WHERE address = ?")) {
                ps.setString(1, policy.toJson());
                ps.setString(2, wallet.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    static Payment byIdIn(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM payments WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new InvalidTreasuryInputException("no payment #" + id);
                }
                return map(rs);
            }
        }
    }

    private static Payment map(ResultSet rs) throws SQLException {
        String token = rs.getString("token");
        Asset asset = new Asset(
                rs.getString("asset"),
                rs.getInt("decimals"),
                token == null ? Optional.empty() : Optional.of(Address.parse(token)));
        BigInteger nonce = rs.getBigDecimal("nonce") == null
                ? null
                : rs.getBigDecimal("nonce").toBigIntegerExact();
        String hash = rs.getString("tx_hash");
        String reason = rs.getString("reason");
        PaymentState state = switch (rs.getString("state")) {
            case "INTENDED" -> new PaymentState.Intended();
            case "AWAITING_APPROVAL" -> new PaymentState.AwaitingApproval(reason);
            case "DENIED" -> new PaymentState.Denied(reason);
            case "SIGNED" -> new PaymentState.Signed(nonce, hash);
            case "BROADCAST" -> new PaymentState.Broadcast(nonce, hash);
            case "CONFIRMED" ->
                new PaymentState.Confirmed(
                        hash,
                        rs.getLong("block_number"),
                        rs.getBigDecimal("gas_fee").toBigIntegerExact());
            case "FAILED" -> new PaymentState.Failed(reason, hash);
            case "AUTHORIZED" ->
                new PaymentState.Authorized(
                        rs.getString("auth_nonce"), Instant.ofEpochSecond(rs.getLong("valid_before")));
            case "SENT" ->
                new PaymentState.Sent(rs.getString("auth_nonce"), Instant.ofEpochSecond(rs.getLong("valid_before")));
            default -> throw new TreasuryException("unknown payment state " + rs.getString("state"));
        };
        return new Payment(
                rs.getLong("id"),
                rs.getString("idempotency_key"),
                Address.parse(rs.getString("payer")),
                Address.parse(rs.getString("payee")),
                Amount.ofBaseUnits(asset, rs.getBigDecimal("amount").toBigIntegerExact()),
                rs.getString("purpose"),
                rs.getLong("chain_id"),
                state,
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                Optional.ofNullable(rs.getString("resource")));
    }
}
