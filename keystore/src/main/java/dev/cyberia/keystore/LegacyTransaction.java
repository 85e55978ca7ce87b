package dev.cyberia.keystore;

import java.math.BigInteger;

/**
 * A legacy (type 0) transaction. With a chain id it is signed with EIP-155 replay protection;
 * a {@code null} chain id gives a pre-EIP-155 signature, valid on any chain — use it only when
 * you mean that.
 *
 * @param chainId the chain id, or {@code null} for no replay protection
 * @param to the recipient, or {@code null} to create a contract
 */
public record LegacyTransaction(
        Long chainId,
        BigInteger nonce,
        BigInteger gasPrice,
        BigInteger gasLimit,
        Address to,
        BigInteger value,
        byte[] data)
        implements UnsignedTransaction {

    public LegacyTransaction {
        if (chainId != null && chainId <= 0) {
            throw new InvalidKeyInputException("a chain id must be positive, got " + chainId);
        }
        UnsignedTransaction.requireNonNegative(nonce, "nonce");
        UnsignedTransaction.requireNonNegative(gasPrice, "gasPrice");
        UnsignedTransaction.requireNonNegative(gasLimit, "gasLimit");
        UnsignedTransaction.requireNonNegative(value, "value");
        data = data == null ? new byte[0] : data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
