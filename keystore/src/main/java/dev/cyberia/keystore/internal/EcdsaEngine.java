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

    /** Which libraries do the work, for people reading logs and benchmarks. */
    String name();

    /**
     * The engine this process uses: native recovery where libsecp256k1 loads and agrees with
     * Bouncy Castle, else pure Bouncy Castle. {@code -Dcyberia.secp256k1=bouncycastle} forces the latter.
     */
    static EcdsaEngine current() {
        return Holder.CURRENT;
    }

    /** Pure Bouncy Castle, whatever is available. */
    static EcdsaEngine bouncyCastle() {
        return BouncyCastleEcdsa.INSTANCE;
    }

    /** The native-assisted engine, if it loads here. */
    static java.util.Optional<EcdsaEngine> nativeAssisted() {
        return java.util.Optional.ofNullable(NativeRecoveryEcdsa.loadOrNull());
    }

    final class Holder {
        static final EcdsaEngine CURRENT = "bouncycastle".equals(System.getProperty("cyberia.secp256k1"))
                ? BouncyCastleEcdsa.INSTANCE
                : nativeAssisted().orElse(BouncyCastleEcdsa.INSTANCE);

        private Holder() {}
    }
}
