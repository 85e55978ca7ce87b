package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Consumer;

/**
 * The x402 {@code batch-settlement} contracts where the scheme's clients expect them (the same
 * addresses on every chain), their EIP-712 domain and the calls the treasury makes to them.
 */
final class BatchSettlement {
    static final Address SETTLEMENT = Address.parse("0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003");
    static final Address ERC3009_COLLECTOR = Address.parse("0x4020806089470a89826cB9fB1f4059150b550004");
    static final Address MULTICALL3 = Address.parse("0xcA11bde05977b3631167028862bE2a173976CA11");
    static final Address NOBODY = Address.parse("0x0000000000000000000000000000000000000000");
    static final String DOMAIN_NAME = "x402 Batch Settlement";
    static final String DOMAIN_VERSION = "1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "(address,address,address,address,address,uint40,bytes32)";

    private BatchSettlement() {}

    /** An EIP-712 document under the settlement contract's domain; {@code types} adds the primary type. */
    static ObjectNode typedData(long chainId, String primaryType, Consumer<ObjectNode> types) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode t = root.putObject("types");
        ArrayNode domain = t.putArray("EIP712Domain");
        domain.addObject().put("name", "name").put("type", "string");
        domain.addObject().put("name", "version").put("type", "string");
        domain.addObject().put("name", "chainId").put("type", "uint256");
        domain.addObject().put("name", "verifyingContract").put("type", "address");
        types.accept(t);
        root.put("primaryType", primaryType);
        root.putObject("domain")
                .put("name", DOMAIN_NAME)
                .put("version", DOMAIN_VERSION)
                .put("chainId", chainId)
                .put("verifyingContract", SETTLEMENT.toString());
        return root;
    }

    /** {@code deposit(config, amount, collector, collectorData)} through the ERC-3009 collector. */
    static byte[] depositCall(ChannelConfig config, ChannelDeposit deposit) {
        byte[] collectorData = Abi.encode(List.of(
                deposit.validAfter(),
                deposit.validBefore(),
                new BigInteger(1, Abi.bytes(deposit.salt())),
                new Abi.Bytes(deposit.signature().toBytes())));
        return Abi.call(
                "deposit(" + CONFIG + ",uint128,address,bytes)",
                config.tuple(),
                deposit.amount(),
                ERC3009_COLLECTOR,
                new Abi.Bytes(collectorData));
    }

    /** One row of a claim: the voucher held, and the running total claimed with it. */
    record ClaimRow(ChannelConfig config, Voucher voucher, BigInteger totalClaimed) {}

    /** {@code multicall([claim(rows), settle(receiver, token)])}: claims, then moves the claimed tokens to the receiver. */
    static byte[] claimAndSettleCall(List<ClaimRow> rows, Address receiver, Address token) {
        List<Object> claims = rows.stream()
                .map(r -> (Object) Abi.Tuple.of(
                        Abi.Tuple.of(r.config().tuple(), r.voucher().maxClaimable()),
                        new Abi.Bytes(r.voucher().signature().toBytes()),
                        r.totalClaimed()))
                .toList();
        byte[] claim = Abi.call("claim(((" + CONFIG + ",uint128),bytes,uint128)[])", claims);
        byte[] settle = Abi.call("settle(address,address)", receiver, token);
        return Abi.call("multicall(bytes[])", List.of(new Abi.Bytes(claim), new Abi.Bytes(settle)));
    }

    /** {@code initiateWithdraw(config, amount)}: the payer's unilateral exit, final after the channel's delay. */
    static byte[] initiateWithdrawCall(ChannelConfig config, BigInteger amount) {
        return Abi.call("initiateWithdraw(" + CONFIG + ",uint128)", config.tuple(), amount);
    }

    /** {@code finalizeWithdraw(config)}. */
    static byte[] finalizeWithdrawCall(ChannelConfig config) {
        return Abi.call("finalizeWithdraw(" + CONFIG + ")", config.tuple());
    }

    /** A channel as the contract holds it. */
    record OnChain(BigInteger balance, BigInteger totalClaimed) {}

    static OnChain read(Chain chain, String channelId) {
        String out = Abi.hex(chain.call(SETTLEMENT, Abi.call("channels(bytes32)", Abi.bytes(channelId))));
        return new OnChain(Abi.wordAt(out, 0), Abi.wordAt(out, 1));
    }

    /** A pending unilateral withdrawal: how much, and from when (epoch seconds; 0: none). */
    record Withdrawal(BigInteger amount, long initiatedAt) {}

    static Withdrawal pendingWithdrawal(Chain chain, String channelId) {
        String out = Abi.hex(chain.call(SETTLEMENT, Abi.call("pendingWithdrawals(bytes32)", Abi.bytes(channelId))));
        return new Withdrawal(Abi.wordAt(out, 0), Abi.wordAt(out, 1).longValueExact());
    }

    /** {@code receivers(receiver, token).totalSettled}: what the contract has paid out to the receiver in all. */
    static BigInteger totalSettled(Chain chain, Address receiver, Address token) {
        String out = Abi.hex(chain.call(SETTLEMENT, Abi.call("receivers(address,address)", receiver, token)));
        return Abi.wordAt(out, 1);
    }

    /** Whether the contract is deployed on this chain. */
    static boolean deployedOn(Chain chain) {
        try {
            return Abi.uint(Abi.hex(chain.call(SETTLEMENT, Abi.call("MIN_WITHDRAW_DELAY()"))))
                            .longValue()
                    == ChannelConfig.MIN_WITHDRAW_DELAY;
        } catch (RuntimeException absent) {
            return false;
        }
    }
}
