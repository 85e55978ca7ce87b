package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A wallet's spending rules, checked outside any model before anything is signed. Limits are per
 * asset symbol, in base units; an absent limit is no limit. An empty allowlist allows any payee
 * not on the denylist.
 *
 * <p>{@code channelDeposit}: when a seller offers x402 channels ({@code batch-settlement}), a new or
 * spent channel is filled with this many requests' worth (or the seller's minimum, if more); the
 * deposit stays the wallet's money until vouchers spend it, and each voucher is a spend under the
 * limits above. Zero: never pay through channels, always {@code exact}.
 */
public record SpendPolicy(
        Map<String, Limits> limits, Set<Address> allowlist, Set<Address> denylist, int channelDeposit) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Requests' worth a channel is filled with unless the policy says otherwise. */
    public static final int DEFAULT_CHANNEL_DEPOSIT = 20;

    public SpendPolicy {
        limits = Map.copyOf(limits);
        allowlist = Set.copyOf(allowlist);
        denylist = Set.copyOf(denylist);
        if (channelDeposit < 0 || channelDeposit > 1_000_000) {
            throw new InvalidTreasuryInputException(
                    "a channel deposit is 0 (no channels) to 1000000 requests' worth, not " + channelDeposit);
        }
    }

    public SpendPolicy(Map<String, Limits> limits, Set<Address> allowlist, Set<Address> denylist) {
        this(limits, allowlist, denylist, DEFAULT_CHANNEL_DEPOSIT);
    }

    /** This policy, filling channels with {@code requests} requests' worth (0: never use channels). */
    public SpendPolicy withChannelDeposit(int requests) {
        return new SpendPolicy(limits, allowlist, denylist, requests);
    }

    /**
     * @param perTransaction the most one payment may move
     * @param per24Hours the most all payments of a rolling 24 hours may move
     * @param reserveFloor what must stay in the wallet after a payment
     * @param approvalAbove payments above this wait for a person
     */
    public record Limits(
            Optional<BigInteger> perTransaction,
            Optional<BigInteger> per24Hours,
            Optional<BigInteger> reserveFloor,
            Optional<BigInteger> approvalAbove) {

        public static final Limits NONE =
                new Limits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static SpendPolicy unrestricted() {
        return new SpendPolicy(Map.of(), Set.of(), Set.of());
    }

    public Limits limitsFor(String symbol) {
        return limits.getOrDefault(symbol, Limits.NONE);
    }

    public SpendPolicy withLimits(String symbol, Limits newLimits) {
        Map<String, Limits> copy = new LinkedHashMap<>(limits);
        copy.put(symbol, newLimits);
        return new SpendPolicy(copy, allowlist, denylist, channelDeposit);
    }

    public SpendPolicy withAllowlist(Set<Address> addresses) {
        return new SpendPolicy(limits, addresses, denylist, channelDeposit);
    }

    public SpendPolicy withDenylist(Set<Address> addresses) {
        return new SpendPolicy(limits, allowlist, addresses, channelDeposit);
    }

    /**
     * Decides one payment. Deterministic: the same inputs give the same decision and reason.
     *
     * @param spentLast24Hours what this wallet's payments in the asset moved in the last 24 hours
     * @param balance the wallet's balance of the asset now (minus what is in flight)
     */
    public PolicyDecision decide(Address payee, Amount amount, Amount spentLast24Hours, Amount balance) {
        return decide(payee, amount, () -> spentLast24Hours, () -> balance);
    }

    /**
     * The same rules, each input read only when a limit needs it: the 24 hours' spending only under
     * a 24-hour cap, the balance only under a reserve floor (a wallet without them pays no query
     * and no chain read for them).
     */
    public PolicyDecision decide(
            Address payee,
            Amount amount,
            java.util.function.Supplier<Amount> spentLast24Hours,
            java.util.function.Supplier<Amount> balance) {
        String symbol = amount.asset().symbol();
        if (denylist.contains(payee)) {
            return new PolicyDecision.Deny("payee " + payee + " is on the denylist");
        }
        if (!allowlist.isEmpty() && !allowlist.contains(payee)) {
            return new PolicyDecision.Deny("payee " + payee + " is not on the allowlist");
        }
        Limits l = limitsFor(symbol);
        if (l.perTransaction().isPresent()
                && amount.baseUnits().compareTo(l.perTransaction().get()) > 0) {
            return new PolicyDecision.Deny(amount + " is above the per-transaction cap of "
                    + Amount.ofBaseUnits(amount.asset(), l.perTransaction().get()));
        }
        if (l.per24Hours().isPresent()) {
            Amount spent = spentLast24Hours.get();
            Amount after = spent.plus(amount);
            if (after.baseUnits().compareTo(l.per24Hours().get()) > 0) {
                return new PolicyDecision.Deny("24-hour cap of "
                        + Amount.ofBaseUnits(amount.asset(), l.per24Hours().get()) + " would be exceeded: "
                        + spent + " spent, " + amount + " asked");
            }
        }
        if (l.reserveFloor().isPresent()) {
            Amount held = balance.get();
            BigInteger left = held.baseUnits().subtract(amount.baseUnits());
            if (left.compareTo(l.reserveFloor().get()) < 0) {
                return new PolicyDecision.Deny("the reserve floor of "
                        + Amount.ofBaseUnits(amount.asset(), l.reserveFloor().get()) + " may not be spent: balance "
                        + held + ", asked " + amount);
            }
        }
        if (l.approvalAbove().isPresent()
                && amount.baseUnits().compareTo(l.approvalAbove().get()) > 0) {
            return new PolicyDecision.NeedsApproval(amount + " is above the approval threshold of "
                    + Amount.ofBaseUnits(amount.asset(), l.approvalAbove().get()));
        }
        return new PolicyDecision.Allow("within policy");
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode limitsNode = root.putObject("limits");
        limits.forEach((symbol, l) -> {
            ObjectNode n = limitsNode.putObject(symbol);
            l.perTransaction().ifPresent(v -> n.put("perTransaction", v.toString()));
            l.per24Hours().ifPresent(v -> n.put("per24Hours", v.toString()));
            l.reserveFloor().ifPresent(v -> n.put("reserveFloor", v.toString()));
            l.approvalAbove().ifPresent(v -> n.put("approvalAbove", v.toString()));
        });
        allowlist.stream().map(Address::toString).sorted().forEach(root.putArray("allowlist")::add);
        denylist.stream().map(Address::toString).sorted().forEach(root.putArray("denylist")::add);
        if (!root.has("allowlist")) {
            root.putArray("allowlist");
        }
        if (!root.has("denylist")) {
            root.putArray("denylist");
        }
        root.put("channelDeposit", channelDeposit);
        return root.toString();
    }

    public static SpendPolicy fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            Map<String, Limits> limits = new LinkedHashMap<>();
            root.path("limits")
                    .fields()
                    .forEachRemaining(e -> limits.put(
                            e.getKey(),
                            new Limits(
                                    big(e.getValue(), "perTransaction"),
                                    big(e.getValue(), "per24Hours"),
                                    big(e.getValue(), "reserveFloor"),
                                    big(e.getValue(), "approvalAbove"))));
            Set<Address> allow = new LinkedHashSet<>();
            root.path("allowlist").forEach(a -> allow.add(Address.parse(a.asText())));
            Set<Address> deny = new LinkedHashSet<>();
            root.path("denylist").forEach(a -> deny.add(Address.parse(a.asText())));
            return new SpendPolicy(
                    limits, allow, deny, root.path("channelDeposit").asInt(DEFAULT_CHANNEL_DEPOSIT));
        } catch (java.io.IOException e) {
            throw new TreasuryException("stored spend policy is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Optional<BigInteger> big(JsonNode node, String field) {
        return node.hasNonNull(field)
                ? Optional.of(new BigInteger(node.get(field).asText()))
                : Optional.empty();
    }
}
