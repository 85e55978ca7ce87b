package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.Signature;

/** secp256k1 for Ethereum: one implementation per backing library, identical outputs. */
public interface EcdsaEngine {

    /** 64-byte uncompressed public key (x || y) of a valid 32-byte private key. */
    byte[] publicKey(byte[] privateKey);

    /** RFC 6979, low-s, with the y parity of R. */
    Signature sign(byte[] digest32, byte[] privateKey);

    /** The 64-byte public key that made {@code signature} over {@code digest32}, or null. */
    byte[] recover(byte[] digest32, Signature signature);

    /** The engine this process uses: Bouncy Castle (pure Java, always available). */
    static EcdsaEngine current() {
        return BouncyCastleEcdsa.INSTANCE;
    }
}
