package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.ChannelStore;
import dev.cyberia.treasury.internal.JournalStore.Leg;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The seller's side of x402 {@code batch-settlement}. A request's voucher is checked off chain
 * (terms, channel id, signature, the running total, the deposit) and journaled before anything is
 * served; the answer's charge (up to the price) is committed with its booking before the reply
 * leaves. A deposit that rides along is put on chain through the journal first (this wallet pays
 * the gas). Claims go out in batches: one transaction claims every channel's charges and pays them
 * out to this wallet, booked from what the contract says it paid.
 */
final class X402ChannelSales {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SETTLEMENT_MARGIN_SECONDS = 6;
    private static final int MAX_CLAIMS_PER_BATCH = 100;

    private final Treasury wallet;
    private final ChannelStore store;
    private final Signer signer;
    private final Clock clock;
    private final Asset token;

    /** Where a charge is booked: income:services, or income:inference for a miner. */
    private final String incomeAccount;

    X402ChannelSales(Treasury wallet, ChannelStore store, Signer signer, Clock clock, String incomeAccount) {
        this.incomeAccount = incomeAccount;
        this.wallet = wallet;
        this.store = store;
        this.signer = signer;
        this.clock = clock;
        this.token = wallet.token();
    }

    /** A voucher checked and journaled: serve, then {@link #charge} or {@link #unserved}. */
    record Sale(
            X402.ChannelPayment payment,
            String pendingId,
            BigInteger chargedBefore,
            BigInteger price,
            Optional<String> depositTx) {}

    /** Why a channel payment is refused, with the channel's state for the buyer to correct itself by. */
    record Refusal(String reason, String message, ObjectNode correction) {}

    /** Checks, puts any deposit on chain, and journals the voucher; a Sale, or why not. */
    Object accept(X402.ChannelPayment payment, X402.Requirements offered) {
        ChannelConfig config = payment.config();
        X402.Requirements accepted = payment.accepted();
        long chainId = offered.chainId();
        if (!accepted.network().equals(offered.network())
                || !accepted.asset().equals(offered.asset())
                || !accepted.payTo().equals(offered.payTo())
                || accepted.amount().compareTo(offered.amount()) != 0) {
            return refusal(
                    "invalid_payment_requirements", "the 'accepted' requirement is not the one this seller offered");
        }
        if (!config.receiver().equals(offered.payTo())
                || !config.receiverAuthorizer().equals(offered.receiverAuthorizer())
                || !config.token().equals(offered.asset())
                || config.withdrawDelay() != offered.withdrawDelay()) {
            return refusal(
                    "invalid_batch_settlement_evm_channel_config",
                    "the channel's terms are not this seller's (receiver, receiverAuthorizer, token, withdrawDelay)");
        }
        String channelId = config.id(chainId);
        if (!channelId.equals(payment.voucher().channelId())) {
            return refusal(
                    "invalid_batch_settlement_evm_channel_id_mismatch",
                    "the voucher's channelId is not the id of the channel's terms (" + channelId + ")");
        }
        if (!payment.voucher().isSignedBy(config.voucherSigner(), chainId)) {
            return refusal(
                    "invalid_batch_settlement_evm_voucher_signature",
                    "the voucher is not signed by " + config.voucherSigner());
        }
        if (X402.ChannelPayment.REFUND.equals(payment.type())) {
            return refusal(
                    "invalid_batch_settlement_evm_payload_type",
                    "this seller does not take cooperative refunds; withdraw with initiateWithdraw/finalizeWithdraw");
        }
        Optional<String> depositTx = Optional.empty();
        if (payment.deposit().isPresent()) {
            Object deposited = deposit(payment, offered, channelId);
            if (deposited instanceof Refusal r) {
                return r;
            }
            depositTx = Optional.of((String) deposited);
        }
        ChannelStore.Inbound channel = store.inbound(channelId).orElse(null);
        if (channel == null) {
            BatchSettlement.OnChain onChain = BatchSettlement.read(wallet.chain(), channelId);
            if (onChain.balance().signum() == 0) {
                return refusal(
                        "invalid_batch_settlement_evm_channel_not_found",
                        "channel " + channelId + " holds nothing; open it with a deposit");
            }
            channel = mirror(channelId, config, onChain);
        }
        BigInteger expected = channel.charged().add(offered.amount());
        BigInteger max = payment.voucher().maxClaimable();
        if (max.compareTo(expected) != 0) {
            return new Refusal(
                    "invalid_batch_settlement_evm_cumulative_amount_mismatch",
                    "the voucher's running total is " + max + ", this request's must be " + expected,
                    state(channel));
        }
        if (max.compareTo(channel.balance()) > 0) {
            BatchSettlement.OnChain onChain = BatchSettlement.read(wallet.chain(), channelId); // a top-up elsewhere?
            channel = mirror(channelId, config, onChain);
            if (max.compareTo(channel.balance()) > 0) {
                return new Refusal(
                        "invalid_batch_settlement_evm_cumulative_exceeds_balance",
                        "the voucher's running total " + max + " is above the channel's deposit " + channel.balance()
                                + "; top it up with a deposit",
                        state(channel));
            }
        }
        String pendingId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        // no longer than a buyer of ours waits for an answer before it counts a request as not charged
        long hold = Math.max(5, Math.min(offered.maxTimeoutSeconds(), X402Purchases.MAX_VALIDITY_SECONDS));
        if (!store.reserve(
                channelId,
                channel.charged(),
                pendingId,
                max,
                payment.voucher().signature().toHex(),
                now.plusSeconds(hold),
                now)) {
            return new Refusal(
                    "invalid_batch_settlement_evm_channel_busy",
                    "another request on this channel is being served; send one request at a time per channel",
                    state(store.inbound(channelId).orElse(channel)));
        }
        return new Sale(payment, pendingId, channel.charged(), offered.amount(), depositTx);
    }

    /** The deposit put on chain (its transaction), once per authorization; or why not. */
    private Object deposit(X402.ChannelPayment payment, X402.Requirements offered, String channelId) {
        ChannelDeposit d = payment.deposit().orElseThrow();
        ChannelConfig config = payment.config();
        TokenDomain domain = offered.tokenDomain(wallet.chain());
        if (d.amount().signum() <= 0 || d.amount().compareTo(Voucher.MAX_AMOUNT) > 0) {
            return refusal("invalid_batch_settlement_evm_deposit_amount", "a deposit must be more than zero");
        }
        // each deposit costs this seller a transaction's gas: tiny ones would bleed it
        if (d.amount().compareTo(offered.minDeposit()) < 0) {
            return refusal(
                    "invalid_batch_settlement_evm_deposit_below_min_deposit",
                    "a deposit here is at least " + offered.minDeposit() + " base units (extra.minDeposit), not "
                            + d.amount());
        }
        if (!d.isSignedBy(config.payer(), domain, channelId)) {
            return refusal(
                    "invalid_batch_settlement_evm_receive_authorization_signature",
                    "the deposit's authorization is not signed by the payer " + config.payer());
        }
        long now = clock.instant().getEpochSecond();
        if (d.validBefore().compareTo(BigInteger.valueOf(now + SETTLEMENT_MARGIN_SECONDS)) < 0
                || d.validAfter().compareTo(BigInteger.valueOf(now)) > 0) {
            return refusal(
                    "invalid_batch_settlement_evm_receive_authorization_valid_before",
                    "the deposit's authorization is not valid now (or ends too soon to settle)");
        }
        String key = "x402-deposit:" + d.nonce(channelId);
        if (wallet.payment(key).isEmpty()) {
            BigInteger held = wallet.chain().balanceOf(token, config.payer()).baseUnits();
            if (held.compareTo(d.amount()) < 0) {
                return refusal(
                        "invalid_batch_settlement_evm_insufficient_balance",
                        "the payer holds " + held + " base units, the deposit is " + d.amount());
            }
        }
        Payment sent = wallet.transact(key, BatchSettlement.SETTLEMENT, BatchSettlement.depositCall(config, d), signer);
        if (!(sent.state() instanceof PaymentState.Confirmed confirmed)) {
            return refusal(
                    "invalid_batch_settlement_evm_deposit_failed",
                    "the deposit did not land on chain: " + sent.state());
        }
        mirror(channelId, config, BatchSettlement.read(wallet.chain(), channelId));
        return confirmed.transactionHash();
    }

    private ChannelStore.Inbound mirror(String channelId, ChannelConfig config, BatchSettlement.OnChain onChain) {
        return store.mirror(
                channelId,
                config.receiver(),
                config.token(),
                config.toJson().toString(),
                onChain.balance(),
                onChain.totalClaimed(),
                clock.instant());
    }

    /**
     * The answer was given: {@code amount} (at most the price) is charged, the voucher becomes the
     * one held, and the income is booked (its income account against what the channels owe),
     * before the reply leaves. Returns the {@code PAYMENT-RESPONSE}.
     */
    X402.SettlementResponse charge(Sale sale, BigInteger amount) {
        if (amount.signum() < 0 || amount.compareTo(sale.price()) > 0) {
            throw new IllegalArgumentException("a request is charged 0 to " + sale.price() + ", not " + amount);
        }
        String channelId = sale.payment().voucher().channelId();
        BigInteger total = sale.chargedBefore().add(amount);
        List<Leg> legs = List.of(
                new Leg(token.receivableAccount(), token, amount), new Leg(incomeAccount, token, amount.negate()));
        if (!store.commit(channelId, sale.pendingId(), total, wallet.wallet(), legs, clock.instant())) {
            throw new TreasuryException("the voucher for channel " + channelId + " was no longer held for this"
                    + " request (its hold ran out); it was not charged");
        }
        ObjectNode extra = JSON.createObjectNode();
        extra.put(
                "amount",
                sale.payment().deposit().map(d -> d.amount().toString()).orElse(""));
        extra.set("channelState", state(store.inbound(channelId).orElseThrow()).get("channelState"));
        extra.put("chargedAmount", amount.toString());
        return new X402.SettlementResponse(
                true,
                null,
                sale.depositTx().orElse(""),
                sale.payment().accepted().network(),
                sale.payment().config().payer(),
                extra);
    }

    /** The request was not answered: its voucher is dropped, nothing is charged. */
    void unserved(Sale sale) {
        store.release(sale.payment().voucher().channelId(), sale.pendingId(), clock.instant());
    }

    /** What one round of claims did. */
    record ClaimRound(int channels, BigInteger claimed, BigInteger paidOut, Optional<String> transaction) {}

    /**
     * Claims every channel's unclaimed charges and pays them out to this wallet in one transaction
     * (at most 100 channels a round), through the journal; then books what the contract has paid
     * out beyond what is booked. A round that finds nothing sends nothing.
     */
    ClaimRound claim() {
        Address receiver = wallet.wallet();
        Address tokenAddress = token.token().orElseThrow();
        List<ChannelStore.Claimable> rows = store.claimable(receiver, tokenAddress, MAX_CLAIMS_PER_BATCH);
        Optional<String> tx = Optional.empty();
        BigInteger claimed = BigInteger.ZERO;
        if (!rows.isEmpty()) {
            List<ChannelStore.Claimable> claimable = new ArrayList<>();
            for (ChannelStore.Claimable r : rows) {
                // a row the contract cannot take (its buyer withdrew first) would revert the whole batch
                BatchSettlement.OnChain onChain = BatchSettlement.read(wallet.chain(), r.channelId());
                BigInteger upTo = r.charged().min(onChain.balance());
                if (upTo.compareTo(onChain.totalClaimed()) <= 0) {
                    store.claimed(r.channelId(), r.charged(), clock.instant()); // nothing more to take here
                    continue;
                }
                claimable.add(
                        new ChannelStore.Claimable(r.channelId(), r.configJson(), upTo, r.signedMax(), r.signature()));
            }
            rows = claimable;
        }
        if (!rows.isEmpty()) {
            long chainId = wallet.chain().chainId();
            List<BatchSettlement.ClaimRow> claims = new ArrayList<>();
            for (ChannelStore.Claimable r : rows) {
                ChannelConfig config;
                try {
                    config = ChannelConfig.fromJson(JSON.readTree(r.configJson()));
                } catch (java.io.IOException e) {
                    throw new TreasuryException("a journaled channel's terms are not JSON: " + e.getMessage(), e);
                }
                claims.add(new BatchSettlement.ClaimRow(
                        config,
                        new Voucher(
                                r.channelId(), r.signedMax(), dev.cyberia.keystore.Signature.fromHex(r.signature())),
                        r.charged()));
                claimed = claimed.add(r.charged());
            }
            Payment sent = wallet.transact(
                    "x402-claim:" + digest(rows),
                    BatchSettlement.SETTLEMENT,
                    BatchSettlement.claimAndSettleCall(claims, receiver, tokenAddress),
                    signer);
            if (!(sent.state() instanceof PaymentState.Confirmed confirmed)) {
                throw new TreasuryException("the claim of " + rows.size() + " channel(s) did not land: " + sent.state()
                        + "; the vouchers stay journaled and the next round claims them");
            }
            tx = Optional.of(confirmed.transactionHash());
            for (ChannelStore.Claimable r : rows) {
                store.claimed(r.channelId(), r.charged(), clock.instant());
            }
        }
        BigInteger paidOut = store.bookSettled(
                receiver,
                tokenAddress,
                BatchSettlement.totalSettled(wallet.chain(), receiver, tokenAddress),
                delta -> List.of(
                        new Leg(token.walletAccount(), token, delta),
                        new Leg(token.receivableAccount(), token, delta.negate())),
                tx.orElse(tokenAddress.toString()),
                Treasury.CHANNEL_CLAIMS,
                clock.instant());
        return new ClaimRound(rows.size(), claimed, paidOut, tx);
    }

    /** Whether no channel has charges left to claim. */
    boolean nothingToClaim() {
        return store.claimable(wallet.wallet(), token.token().orElseThrow(), 1).isEmpty();
    }

    private static String digest(List<ChannelStore.Claimable> rows) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (ChannelStore.Claimable r : rows) {
                sha.update(
                        (r.channelId() + ":" + r.charged() + ";").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a buyer corrects itself by: the channel's state ({@code channelState}) and the voucher held ({@code voucherState}). */
    private static ObjectNode state(ChannelStore.Inbound channel) {
        ObjectNode both = JSON.createObjectNode();
        ObjectNode s = both.putObject("channelState");
        s.put("channelId", channel.channelId());
        s.put("balance", channel.balance().toString());
        s.put("totalClaimed", channel.totalClaimed().toString());
        s.put("withdrawRequestedAt", 0);
        s.put("refundNonce", "0");
        s.put("chargedCumulativeAmount", channel.charged().toString());
        if (channel.signature() != null) {
            both.putObject("voucherState")
                    .put("signedMaxClaimable", channel.signedMax().toString())
                    .put("signature", channel.signature());
        }
        return both;
    }

    private static Refusal refusal(String reason, String message) {
        return new Refusal(reason, message, null);
    }
}
