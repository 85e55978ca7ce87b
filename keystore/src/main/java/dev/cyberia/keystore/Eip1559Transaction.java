package dev.cyberia.keystore;

import java.math.BigInteger;

/**
 * An EIP-1559 (type 2) transaction with an empty access list.
 *
 * @param to the recipient, or {@code null} to create a contract
 * @param data call data, never null (use an empty array)
 */
public record Eip1559Transaction(
        long chainId,
        BigInteger nonce,
        BigInteger maxPriorityFeePerGas,
        BigInteger maxFeePerGas,
        BigInteger gasLimit,
        Address to,
        BigInteger value,
        byte[] data)
        implements UnsignedTransaction {

    public Eip1559Transaction {
        if (chainId <= 0) {
            throw new InvalidKeyInputException("an EIP-1559 transaction needs a positive chain id, got " + chainId);
        }
        UnsignedTransaction.requireNonNegative(nonce, "nonce");
        UnsignedTransaction.requireNonNegative(maxPriorityFeePerGas, "maxPriorityFeePerGas");
        UnsignedTransaction.requireNonNegative(maxFeePerGas, "maxFeePerGas");
        UnsignedTransaction.requireNonNegative(gasLimit, "gasLimit");
        UnsignedTransaction.requireNonNegative(value, "value");
        if (maxPriorityFeePerGas.compareTo(maxFeePerGas) > 0) {
            throw new InvalidKeyInputException("maxPriorityFeePerGas may not exceed maxFeePerGas");
        }
        data = data == null ? new byte[0] : data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
