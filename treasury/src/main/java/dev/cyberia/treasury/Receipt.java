package dev.cyberia.treasury;

import java.math.BigInteger;

/**
 * A mined transaction's receipt.
 *
 * @param succeeded status 1 (a reverted transaction is mined too, and pays gas)
 * @param effectiveGasPrice wei per gas actually paid
 */
public record Receipt(
        String transactionHash, boolean succeeded, long blockNumber, BigInteger gasUsed, BigInteger effectiveGasPrice) {

    /** The gas fee paid, in wei. */
    public BigInteger fee() {
        return gasUsed.multiply(effectiveGasPrice);
    }
}
