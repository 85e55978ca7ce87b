package dev.cyberia.keystore;

import java.math.BigInteger;

/** A transaction ready to be signed: an EIP-1559 (type 2) or a legacy one. */
public sealed interface UnsignedTransaction permits Eip1559Transaction, LegacyTransaction {

    BigInteger nonce();

    BigInteger gasLimit();

    /** The recipient, or {@code null} for a contract creation. */
    Address to();

    BigInteger value();

    byte[] data();

    static void requireNonNegative(BigInteger value, String name) {
        if (value == null || value.signum() < 0) {
            throw new InvalidKeyInputException("transaction " + name + " must be zero or more");
        }
        if (value.bitLength() > 256) {
            throw new InvalidKeyInputException("transaction " + name + " does not fit in 256 bits");
        }
    }
}
