package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.InvalidKeyInputException;
import dev.cyberia.keystore.TypedData;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.util.HexFormat;

/**
 * The fixed terms of an x402 {@code batch-settlement} payment channel: who pays (and who signs its
 * vouchers), who is paid (and who authorizes claims and refunds), in which token, how long a payer's
 * unilateral withdrawal waits, and a salt. The channel's id is the EIP-712 hash of these terms under
 * the settlement contract's domain, so it is bound to the chain and the contract.
 */
public record ChannelConfig(
        Address payer,
        Address payerAuthorizer,
        Address receiver,
        Address receiverAuthorizer,
        Address token,
        long withdrawDelay,
        String salt) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The shortest and longest withdrawal delays the contract accepts, in seconds. */
    public static final long MIN_WITHDRAW_DELAY = 900;

    public static final long MAX_WITHDRAW_DELAY = 2_592_000;
    /** The salt the official client uses unless told otherwise: one channel per payer, seller and token. */
    public static final String ZERO_SALT = "0x" + "0".repeat(64);

    public ChannelConfig {
        if (withdrawDelay < MIN_WITHDRAW_DELAY || withdrawDelay > MAX_WITHDRAW_DELAY) {
            throw new X402Exception(
                    "invalid_batch_settlement_evm_withdraw_delay",
                    400,
                    "a channel's withdrawDelay must be " + MIN_WITHDRAW_DELAY + " to " + MAX_WITHDRAW_DELAY
                            + " seconds, not " + withdrawDelay);
        }
        if (salt == null || !salt.matches("0x[0-9a-fA-F]{64}")) {
            throw new X402Exception("invalid_payload", 400, "a channel's salt must be 32 bytes of 0x-hex");
        }
        salt = salt.toLowerCase(java.util.Locale.ROOT);
    }

    /** The address that signs this channel's vouchers: the payer's authorizer, else the payer. */
    public Address voucherSigner() {
        return payerAuthorizer.equals(BatchSettlement.NOBODY) ? payer : payerAuthorizer;
    }

    /** The channel's id on {@code chainId}: the EIP-712 digest of these terms (the contract's {@code getChannelId}). */
    public String id(long chainId) {
        ObjectNode root = BatchSettlement.typedData(chainId, "ChannelConfig", types -> {
            ArrayNode t = types.putArray("ChannelConfig");
            for (String[] f : new String[][] {
                {"payer", "address"},
                {"payerAuthorizer", "address"},
                {"receiver", "address"},
                {"receiverAuthorizer", "address"},
                {"token", "address"},
                {"withdrawDelay", "uint40"},
                {"salt", "bytes32"}
            }) {
                t.addObject().put("name", f[0]).put("type", f[1]);
            }
        });
        root.set("message", toJson());
        return "0x"
                + HexFormat.of().formatHex(TypedData.fromJson(root.toString()).digest());
    }

    /** The terms as an ABI tuple (the contract's {@code ChannelConfig} struct). */
    Abi.Tuple tuple() {
        return Abi.Tuple.of(
                payer,
                payerAuthorizer,
                receiver,
                receiverAuthorizer,
                token,
                BigInteger.valueOf(withdrawDelay),
                Abi.bytes(salt));
    }

    /** The terms as x402 sends them ({@code channelConfig}). */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("payer", payer.toString());
        n.put("payerAuthorizer", payerAuthorizer.toString());
        n.put("receiver", receiver.toString());
        n.put("receiverAuthorizer", receiverAuthorizer.toString());
        n.put("token", token.toString());
        n.put("withdrawDelay", withdrawDelay);
        n.put("salt", salt);
        return n;
    }

    /**
     * Reads {@code channelConfig} as x402 sends it.
     *
     * @throws X402Exception {@code invalid_payload} (400) when a field is missing or malformed
     */
    public static ChannelConfig fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new X402Exception("invalid_payload", 400, "payload.channelConfig is missing");
        }
        try {
            JsonNode delay = n.path("withdrawDelay");
            if (!delay.canConvertToLong() && !delay.asText().matches("[0-9]{1,12}")) {
                throw new X402Exception("invalid_payload", 400, "channelConfig.withdrawDelay must be a number");
            }
            return new ChannelConfig(
                    address(n, "payer"),
                    address(n, "payerAuthorizer"),
                    address(n, "receiver"),
                    address(n, "receiverAuthorizer"),
                    address(n, "token"),
                    delay.isNumber() ? delay.asLong() : Long.parseLong(delay.asText()),
                    n.path("salt").asText(""));
        } catch (InvalidKeyInputException e) {
            throw new X402Exception("invalid_payload", 400, "channelConfig is malformed: " + e.getMessage());
        }
    }

    private static Address address(JsonNode n, String field) {
        if (!n.path(field).isTextual()) {
            throw new X402Exception("invalid_payload", 400, "channelConfig." + field + " is missing");
        }
        return Address.parse(n.get(field).asText());
    }
}
