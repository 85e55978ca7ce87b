package dev.cyberia.treasury;

import java.math.BigInteger;

/** EIP-1559 fee settings for one transaction, in wei per gas. */
public record Fees(BigInteger maxPriorityFeePerGas, BigInteger maxFeePerGas) {}
