package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signatures;
import dev.cyberia.keystore.Signer;
import dev.cyberia.keystore.TypedData;
import java.math.BigInteger;

/**
 * A payer's promise on an x402 {@code batch-settlement} channel: the receiver may claim up to
 * {@code maxClaimable} base units in all, from the channel's deposit. Vouchers are cumulative: each
 * request's voucher states the running total, so the latest one is the only one that matters.
 */
public record Voucher(String channelId, BigInteger maxClaimable, Signature signature) {
    /** The largest amount a voucher may carry (the contract keeps amounts in uint128). */
    public static final BigInteger MAX_AMOUNT = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    public Voucher {
        if (channelId == null || !channelId.matches("0x[0-9a-fA-F]{64}")) {
            throw new X402Exception("invalid_payload", 400, "a voucher's channelId must be 32 bytes of 0x-hex");
        }
        if (maxClaimable.signum() < 0 || maxClaimable.compareTo(MAX_AMOUNT) > 0) {
            throw new X402Exception("invalid_payload", 400, "a voucher's maxClaimableAmount must fit in uint128");
        }
        channelId = channelId.toLowerCase(java.util.Locale.ROOT);
    }

    /** Signs a voucher for a running total of {@code maxClaimable} with the channel's voucher signer. */
    public static Voucher sign(Signer signer, long chainId, String channelId, BigInteger maxClaimable) {
        Voucher unsigned = new Voucher(channelId, maxClaimable, null);
        return new Voucher(channelId, maxClaimable, signer.signTypedData(unsigned.typedData(chainId)));
    }

    /** The EIP-712 document that is signed: {@code Voucher(bytes32 channelId,uint128 maxClaimableAmount)}. */
    public TypedData typedData(long chainId) {
        ObjectNode root = BatchSettlement.typedData(chainId, "Voucher", types -> {
            ArrayNode t = types.putArray("Voucher");
            t.addObject().put("name", "channelId").put("type", "bytes32");
            t.addObject().put("name", "maxClaimableAmount").put("type", "uint128");
        });
        root.putObject("message").put("channelId", channelId).put("maxClaimableAmount", maxClaimable.toString());
        return TypedData.fromJson(root.toString());
    }

    /** Whether the signature recovers to {@code signer}. */
    public boolean isSignedBy(Address signer, long chainId) {
        try {
            return signature != null
                    && Signatures.recoverTypedData(typedData(chainId), signature)
                            .equals(signer);
        } catch (RuntimeException malformed) {
            return false;
        }
    }
}
