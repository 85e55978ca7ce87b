package dev.cyberia.keystore;

import dev.cyberia.keystore.internal.Keccak;

/** The hash Ethereum uses everywhere. */
public final class Hashes {
    private Hashes() {}

    /** Keccak-256 (Ethereum's, not SHA3-256) of the concatenated parts. */
    public static byte[] keccak256(byte[]... parts) {
        return Keccak.keccak256(parts);
    }
}
