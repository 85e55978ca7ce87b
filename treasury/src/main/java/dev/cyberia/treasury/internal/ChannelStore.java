package dev.cyberia.treasury.internal;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.internal.JournalStore.Leg;
import dev.cyberia.treasury.internal.JournalStore.StoredResponse;
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

/**
 * The x402 channel tables, both sides, in plain JDBC, each write one transaction with its
 * bookings: a seller's voucher is journaled before it serves and its charge booked with it; a
 * buyer's charge and deposit are booked with the state they move.
 */
public final class ChannelStore {
    private final JournalStore journal;

    public ChannelStore(JournalStore journal) {
        this.journal = journal;
    }

    // ---- the seller's side ----

    /**
     * A channel a seller is paid through: what the contract held when last read ({@code balance},
     * {@code totalClaimed}), what was charged for answers given, the highest voucher held and the
     * request in progress, if any.
     */
    public record Inbound(
            String channelId,
            String configJson,
            BigInteger balance,
            BigInteger totalClaimed,
            BigInteger charged,
            BigInteger signedMax,
            String signature,
            Optional<String> pendingId,
            Optional<Instant> pendingUntil) {}

    public Optional<Inbound> inbound(String channelId) {
        return journal.inTransaction(c -> inboundIn(c, channelId));
    }

    private static Optional<Inbound> inboundIn(Connection c, String channelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT channel_id, config, balance, total_claimed, charged,"
                + " signed_max, signature, pending_id, pending_until FROM x402_channels_in WHERE channel_id = ?")) {
            ps.setString(1, channelId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp until = rs.getTimestamp(9);
                return Optional.of(new Inbound(
                        rs.getString(1),
                        rs.getString(2),
                        big(rs, 3),
                        big(rs, 4),
                        big(rs, 5),
                        big(rs, 6),
                        rs.getString(7),
                        Optional.ofNullable(rs.getString(8)),
                        Optional.ofNullable(until).map(Timestamp::toInstant)));
            }
        }
    }

    /**
     * Records what the contract holds for a channel (after a deposit, or when first seen): a new
     * channel starts with nothing charged; a known one keeps its charges and vouchers.
     */
    public Inbound mirror(
            String channelId,
            Address receiver,
            Address token,
            String configJson,
            BigInteger balance,
            BigInteger totalClaimed,
            Instant now) {
        return journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_in SET balance = ?,"
                    + " total_claimed = GREATEST(total_claimed, ?), updated_at = ? WHERE channel_id = ?")) {
                ps.setBigDecimal(1, new BigDecimal(balance));
                ps.setBigDecimal(2, new BigDecimal(totalClaimed));
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setString(4, channelId);
                if (ps.executeUpdate() == 0) {
                    try (PreparedStatement insert =
                            c.prepareStatement("INSERT INTO x402_channels_in (channel_id, receiver, token, config,"
                                    + " balance, total_claimed, charged, signed_max, updated_at)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        insert.setString(1, channelId);
                        insert.setString(2, receiver.toString());
                        insert.setString(3, token.toString());
                        insert.setString(4, configJson);
                        insert.setBigDecimal(5, new BigDecimal(balance));
                        insert.setBigDecimal(6, new BigDecimal(totalClaimed));
                        // a channel first seen with claims on it: those were charged by someone before us
                        insert.setBigDecimal(7, new BigDecimal(totalClaimed));
                        insert.setBigDecimal(8, new BigDecimal(totalClaimed));
                        insert.setTimestamp(9, Timestamp.from(now));
                        insert.executeUpdate();
                    }
                }
            }
            return inboundIn(c, channelId).orElseThrow();
        });
    }

    /**
     * Journals a request's voucher before anything is served: only when nothing was charged since
     * {@code expectedCharged} and no other request on the channel is in progress (or its hold ran
     * out, or it holds this very voucher: the same request sent again after its first try was lost,
     * which takes the hold over). False when another request got there first.
     */
    public boolean reserve(
            String channelId,
            BigInteger expectedCharged,
            String pendingId,
            BigInteger max,
            String signature,
            Instant until,
            Instant now) {
        return journal.inTransaction(c -> {
            // free, or held past its time, or held for this very voucher (the same request, sent again)
            try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_in SET pending_id = ?,"
                    + " pending_max = ?, pending_signature = ?, pending_until = ?, updated_at = ? WHERE channel_id = ?"
                    + " AND charged = ? AND (pending_id IS NULL OR pending_until < ? OR pending_signature = ?)")) {
                ps.setString(1, pendingId);
                ps.setBigDecimal(2, new BigDecimal(max));
                ps.setString(3, signature);
                ps.setTimestamp(4, Timestamp.from(until));
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setString(6, channelId);
                ps.setBigDecimal(7, new BigDecimal(expectedCharged));
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setString(9, signature);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * The answer was given: its voucher becomes the one held, the charge is added, and the income
     * booked ({@code legs}, once per channel and running total), in one transaction. False when the
     * reservation is no longer this request's (nothing is changed then).
     */
    public boolean commit(
            String channelId, String pendingId, BigInteger newCharged, Address wallet, List<Leg> legs, Instant now) {
        return journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_in SET charged = ?,"
                    + " signed_max = pending_max, signature = pending_signature, pending_id = NULL, pending_max = NULL,"
                    + " pending_signature = NULL, pending_until = NULL, updated_at = ? WHERE channel_id = ?"
                    + " AND pending_id = ? AND pending_max >= ?")) {
                ps.setBigDecimal(1, new BigDecimal(newCharged));
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, channelId);
                ps.setString(4, pendingId);
                ps.setBigDecimal(5, new BigDecimal(newCharged));
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            JournalStore.bookIn(c, wallet, "v:" + newCharged, legs, 0, channelId, "x402 channel", now);
            return true;
        });
    }

    /** The request was not answered: its reservation goes, nothing is charged. */
    public void release(String channelId, String pendingId, Instant now) {
        journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_in SET pending_id = NULL,"
                    + " pending_max = NULL, pending_signature = NULL, pending_until = NULL, updated_at = ?"
                    + " WHERE channel_id = ? AND pending_id = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, channelId);
                ps.setString(3, pendingId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A channel with charges not yet claimed on chain, and the voucher that claims them. */
    public record Claimable(
            String channelId, String configJson, BigInteger charged, BigInteger signedMax, String signature) {}

    /** The receiver's channels in a token whose charges are not all claimed yet, oldest first. */
    public List<Claimable> claimable(Address receiver, Address token, int limit) {
        return journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT channel_id, config, charged, signed_max, signature"
                    + " FROM x402_channels_in WHERE receiver = ? AND token = ? AND charged > total_claimed"
                    + " AND signature IS NOT NULL ORDER BY updated_at LIMIT ?")) {
                ps.setString(1, receiver.toString());
                ps.setString(2, token.toString());
                ps.setInt(3, limit);
                List<Claimable> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Claimable(
                                rs.getString(1), rs.getString(2), big(rs, 3), big(rs, 4), rs.getString(5)));
                    }
                }
                return out;
            }
        });
    }

    /** Claims landed on chain up to {@code totalClaimed}. */
    public void claimed(String channelId, BigInteger totalClaimed, Instant now) {
        journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_in SET total_claimed ="
                    + " GREATEST(total_claimed, ?), updated_at = ? WHERE channel_id = ?")) {
                ps.setBigDecimal(1, new BigDecimal(totalClaimed));
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, channelId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Books what the contract has paid out to {@code receiver} in all ({@code totalSettled}) beyond
     * what is booked already, once per running total: {@code legs} gets the amount to book. Returns
     * the amount booked (zero when nothing new).
     */
    public BigInteger bookSettled(
            Address receiver,
            Address token,
            BigInteger totalSettled,
            java.util.function.Function<BigInteger, List<Leg>> legs,
            String txHash,
            String memo,
            Instant now) {
        return journal.inTransaction(c -> {
            BigInteger booked = BigInteger.ZERO;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT booked FROM x402_settled WHERE receiver = ? AND token = ? FOR UPDATE")) {
                ps.setString(1, receiver.toString());
                ps.setString(2, token.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        booked = big(rs, 1);
                    } else {
                        try (PreparedStatement insert = c.prepareStatement(
                                "INSERT INTO x402_settled (receiver, token, booked) VALUES (?, ?, 0)")) {
                            insert.setString(1, receiver.toString());
                            insert.setString(2, token.toString());
                            insert.executeUpdate();
                        }
                    }
                }
            }
            BigInteger delta = totalSettled.subtract(booked);
            if (delta.signum() <= 0) {
                return BigInteger.ZERO;
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE x402_settled SET booked = ? WHERE receiver = ? AND token = ?")) {
                ps.setBigDecimal(1, new BigDecimal(totalSettled));
                ps.setString(2, receiver.toString());
                ps.setString(3, token.toString());
                ps.executeUpdate();
            }
            JournalStore.bookIn(c, receiver, "settled:" + totalSettled, legs.apply(delta), 0, txHash, memo, now);
            return delta;
        });
    }

    // ---- the buyer's side ----

    /** A channel a buyer pays through: confirmed deposits, confirmed charges, and the highest voucher it signed. */
    public record Outbound(
            String channelId, String configJson, BigInteger deposited, BigInteger charged, BigInteger signedMax) {
        public BigInteger available() {
            return deposited.subtract(charged);
        }
    }

    public Optional<Outbound> outbound(String channelId) {
        return journal.inTransaction(c -> outboundIn(c, channelId));
    }

    private static Optional<Outbound> outboundIn(Connection c, String channelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT channel_id, config, deposited, charged, signed_max"
                + " FROM x402_channels_out WHERE channel_id = ?")) {
            ps.setString(1, channelId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(
                                new Outbound(rs.getString(1), rs.getString(2), big(rs, 3), big(rs, 4), big(rs, 5)))
                        : Optional.empty();
            }
        }
    }

    /** The payer's channels, newest first. */
    public List<Outbound> outbound(Address payer) {
        return journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT channel_id FROM x402_channels_out WHERE payer = ?" + " ORDER BY updated_at DESC")) {
                ps.setString(1, payer.toString());
                List<Outbound> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(outboundIn(c, rs.getString(1)).orElseThrow());
                    }
                }
                return out;
            }
        });
    }

    /** The purchases made through a channel, by id (their headers carry any deposit that rode along). */
    public List<Long> purchasesOn(String channelId) {
        return journal.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM payments WHERE channel_id = ? ORDER BY id")) {
                ps.setString(1, channelId);
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            }
        });
    }

    /** Whether a purchase other than {@code exceptPayment} is signed or sent on this channel and not finished. */
    public boolean busy(String channelId, long exceptPayment) {
        return journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM payments WHERE channel_id = ? AND id <> ?"
                    + " AND state IN ('AUTHORIZED', 'SENT')")) {
                ps.setString(1, channelId);
                ps.setLong(2, exceptPayment);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** What a buyer's voucher commits to on its channel: the channel (as first known) and the running total signed. */
    public record Signed(
            String channelId,
            Address payer,
            Address receiver,
            Address token,
            String configJson,
            BigInteger voucherMax) {}

    /**
     * The buyer's channel known (created with nothing in it when new), the voucher's running total
     * remembered as signed (what the seller could claim at most), and the purchase that signed it
     * ({@code paymentId}, 0 for none) tied to the channel, in one transaction.
     */
    public void signedOn(Signed signed, Instant now, long paymentId) {
        journal.inTransaction(c -> {
            signedOnIn(c, signed, now, paymentId);
            return null;
        });
    }

    /** {@link #signedOn} inside a transaction of the caller's (the wallet lock's, when a purchase signs). */
    static void signedOnIn(Connection c, Signed signed, Instant now, long paymentId) throws SQLException {
        if (paymentId > 0) {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE payments SET channel_id = ? WHERE id = ? AND channel_id IS NULL")) {
                ps.setString(1, signed.channelId());
                ps.setLong(2, paymentId);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_out SET signed_max ="
                + " GREATEST(signed_max, ?), updated_at = ? WHERE channel_id = ?")) {
            ps.setBigDecimal(1, new BigDecimal(signed.voucherMax()));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, signed.channelId());
            if (ps.executeUpdate() == 0) {
                insertOutbound(
                        c,
                        signed.channelId(),
                        signed.payer(),
                        signed.receiver(),
                        signed.token(),
                        signed.configJson(),
                        BigInteger.ZERO,
                        BigInteger.ZERO,
                        signed.voucherMax(),
                        now);
            }
        }
    }

    /**
     * A channel found on chain that this journal did not know: recorded with what the contract
     * holds ({@code deposited}) and what the seller has claimed ({@code charged}), its remaining
     * money booked ({@code legs}) once. Nothing happens when the channel is known by now.
     */
    public void found(
            String channelId,
            Address payer,
            Address receiver,
            Address token,
            String configJson,
            BigInteger deposited,
            BigInteger charged,
            List<Leg> legs,
            Instant now) {
        journal.inTransaction(c -> {
            if (outboundIn(c, channelId).isPresent()) {
                return null;
            }
            insertOutbound(c, channelId, payer, receiver, token, configJson, deposited, charged, charged, now);
            if (legs.stream().anyMatch(l -> l.amount().signum() != 0)) {
                JournalStore.bookIn(c, payer, "x402-found", legs, 0, channelId, "x402 channel found on chain", now);
            }
            return null;
        });
    }

    private static void insertOutbound(
            Connection c,
            String channelId,
            Address payer,
            Address receiver,
            Address token,
            String configJson,
            BigInteger deposited,
            BigInteger charged,
            BigInteger signedMax,
            Instant now)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO x402_channels_out (channel_id, payer,"
                + " receiver, token, config, deposited, charged, signed_max, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, channelId);
            insert.setString(2, payer.toString());
            insert.setString(3, receiver.toString());
            insert.setString(4, token.toString());
            insert.setString(5, configJson);
            insert.setBigDecimal(6, new BigDecimal(deposited));
            insert.setBigDecimal(7, new BigDecimal(charged));
            insert.setBigDecimal(8, new BigDecimal(signedMax));
            insert.setTimestamp(9, Timestamp.from(now));
            insert.executeUpdate();
        }
    }

    /**
     * A deposit is on chain: the channel holds {@code amount} more, booked from the wallet into the
     * channel ({@code legs}) once per transaction.
     */
    public void deposited(
            String channelId, BigInteger amount, Address payer, List<Leg> legs, String txHash, Instant now) {
        journal.inTransaction(c -> {
            if (JournalStore.bookIn(c, payer, "x402-deposit", legs, 0, txHash, "x402 channel deposit", now)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_out SET deposited = deposited + ?,"
                        + " updated_at = ? WHERE channel_id = ?")) {
                    ps.setBigDecimal(1, new BigDecimal(amount));
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setString(3, channelId);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * The seller answered a purchase over the channel and charged {@code charge}: the purchase is
     * CONFIRMED at that amount, the channel's running total moves, and the expense is booked
     * ({@code legs}), in one transaction; once (a purchase already confirmed is returned as it is).
     */
    public Payment charged(
            long paymentId,
            String channelId,
            BigInteger total,
            BigInteger charge,
            Address payer,
            java.util.function.Function<BigInteger, List<Leg>> legs,
            StoredResponse response,
            Instant now) {
        return journal.inTransaction(c -> {
            Payment current = JournalStore.byIdIn(c, paymentId);
            if (current.state().isFinal()) {
                return current;
            }
            BigInteger before;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT charged FROM x402_channels_out WHERE channel_id = ? FOR UPDATE")) {
                ps.setString(1, channelId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    before = big(rs, 1);
                }
            }
            // the running total this answer brings the channel to; part of it may be counted already
            // (a reconcile that saw the seller's claim of this very request first): book only the rest
            BigInteger newly = total.subtract(before).max(BigInteger.ZERO);
            JournalStore.move(c, paymentId, List.of("AUTHORIZED", "SENT"), "CONFIRMED", null, now);
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE payments SET amount = ?, gas_fee = 0," + " tx_hash = ? WHERE id = ?")) {
                ps.setBigDecimal(1, new BigDecimal(charge));
                ps.setString(2, channelId);
                ps.setLong(3, paymentId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE x402_channels_out SET charged = ?, updated_at = ?" + " WHERE channel_id = ?")) {
                ps.setBigDecimal(1, new BigDecimal(before.max(total)));
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, channelId);
                ps.executeUpdate();
            }
            if (response != null) {
                JournalStore.storeResponse(c, paymentId, response);
            }
            if (newly.signum() > 0) {
                JournalStore.bookIn(
                        c,
                        payer,
                        "v:" + before.max(total),
                        legs.apply(newly),
                        paymentId,
                        channelId,
                        "x402 channel",
                        now);
            }
            return JournalStore.byIdIn(c, paymentId);
        });
    }

    /**
     * The seller holds a voucher of ours for {@code total}, more than we counted as charged (it
     * answered, and we never heard): we owe it; the difference is booked ({@code legs}) once.
     */
    public void adoptCharged(String channelId, BigInteger total, Address payer, List<Leg> legs, Instant now) {
        journal.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_out SET charged = ?, updated_at = ?"
                    + " WHERE channel_id = ? AND charged < ? AND signed_max >= ?")) {
                ps.setBigDecimal(1, new BigDecimal(total));
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, channelId);
                ps.setBigDecimal(4, new BigDecimal(total));
                ps.setBigDecimal(5, new BigDecimal(total));
                if (ps.executeUpdate() == 1) {
                    JournalStore.bookIn(
                            c, payer, "v:" + total, legs, 0, channelId, "x402 channel (seller's count)", now);
                }
            }
            return null;
        });
    }

    /** The channel's money came back to the wallet (refund or withdrawal): {@code amount} less deposited, booked once. */
    public void returned(
            String channelId, BigInteger amount, Address payer, List<Leg> legs, String txHash, Instant now) {
        journal.inTransaction(c -> {
            if (JournalStore.bookIn(c, payer, "x402-return", legs, 0, txHash, "x402 channel withdrawal", now)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE x402_channels_out SET deposited = deposited - ?,"
                        + " updated_at = ? WHERE channel_id = ?")) {
                    ps.setBigDecimal(1, new BigDecimal(amount));
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setString(3, channelId);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private static BigInteger big(ResultSet rs, int column) throws SQLException {
        BigDecimal d = rs.getBigDecimal(column);
        return d == null ? BigInteger.ZERO : d.toBigIntegerExact();
    }
}
