package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Hashes;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signatures;
import dev.cyberia.keystore.Signer;
import dev.cyberia.keystore.TypedData;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Money a payer puts into a channel: an EIP-3009 {@code ReceiveWithAuthorization} to the scheme's
 * deposit collector, whose nonce binds it to one channel ({@code keccak256(channelId, salt)}), so
 * it can move the money only into that channel, once.
 */
public record ChannelDeposit(
        BigInteger amount, BigInteger validAfter, BigInteger validBefore, String salt, Signature signature) {
    /** Signs a deposit of {@code amount} into {@code channelId}, valid from a minute ago until {@code validBefore}. */
    public static ChannelDeposit sign(
            Signer payer,
            TokenDomain token,
            String channelId,
            BigInteger amount,
            Instant now,
            Instant validBefore,
            SecureRandom random) {
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        String saltHex = "0x" + HexFormat.of().formatHex(salt);
        BigInteger after = BigInteger.ZERO;
        BigInteger before = BigInteger.valueOf(validBefore.getEpochSecond());
        ChannelDeposit unsigned = new ChannelDeposit(amount, after, before, saltHex, null);
        return new ChannelDeposit(
                amount,
                after,
                before,
                saltHex,
                payer.signTypedData(unsigned.typedData(token, payer.address(), channelId)));
    }

    /** The EIP-3009 nonce this deposit uses: {@code keccak256(abi.encode(channelId, uint256(salt)))}. */
    public String nonce(String channelId) {
        return Abi.hex(Hashes.keccak256(Abi.encode(List.of(Abi.bytes(channelId), new BigInteger(1, Abi.bytes(salt))))));
    }

    /** Whether {@code payer} signed it for {@code channelId} in {@code token}. */
    public boolean isSignedBy(Address payer, TokenDomain token, String channelId) {
        try {
            return signature != null
                    && Signatures.recoverTypedData(typedData(token, payer, channelId), signature)
                            .equals(payer);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    TypedData typedData(TokenDomain token, Address payer, String channelId) {
        return TransferAuthorization.eip3009(
                "ReceiveWithAuthorization",
                token,
                payer,
                BatchSettlement.ERC3009_COLLECTOR,
                amount,
                validAfter,
                validBefore,
                nonce(channelId));
    }
}
