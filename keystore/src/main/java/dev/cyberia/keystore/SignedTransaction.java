package dev.cyberia.keystore;

import dev.cyberia.keystore.internal.Hex;

/**
 * A signed transaction: the raw bytes for {@code eth_sendRawTransaction} and its hash.
 *
 * @param raw the encoded, signed transaction
 * @param hash Keccak-256 of {@code raw}, the transaction hash the chain will report
 */
public record SignedTransaction(byte[] raw, byte[] hash, Signature signature) {

    public SignedTransaction {
        raw = raw.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    public String rawHex() {
        return Hex.prefixed(raw);
    }

    public String hashHex() {
        return Hex.prefixed(hash);
    }
}
