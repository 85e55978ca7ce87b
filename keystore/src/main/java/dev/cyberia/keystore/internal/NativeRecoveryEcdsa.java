package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.Signature;
import fr.acinq.secp256k1.Secp256k1;
import java.util.Arrays;

/**
 * Signs on Bouncy Castle (which gives Ethereum's recovery id for free from the nonce point, where
 * the native binding has no recoverable signing), and recovers on native libsecp256k1, about
 * three times faster (BENCHMARKS.md). Both give identical results; {@link #loadOrNull()} checks
 * that before the engine is used.
 */
final class NativeRecoveryEcdsa implements EcdsaEngine {
    private final BouncyCastleEcdsa signing = BouncyCastleEcdsa.INSTANCE;

    private NativeRecoveryEcdsa() {}

    /** The engine, or null when the native library cannot be loaded here or disagrees with Bouncy Castle. */
    static NativeRecoveryEcdsa loadOrNull() {
        try {
            NativeRecoveryEcdsa engine = new NativeRecoveryEcdsa();
            byte[] key = new byte[32];
            key[31] = 7;
            byte[] digest =
                    Keccak.keccak256("cyberia native self-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Signature sig = engine.signing.sign(digest, key);
            byte[] expected = engine.signing.recover(digest, sig);
            return Arrays.equals(engine.recover(digest, sig), expected) ? engine : null;
        } catch (Throwable unavailable) { // UnsatisfiedLinkError, missing natives for this platform, ...
            return null;
        }
    }

    @Override
    public byte[] publicKey(byte[] privateKey) {
        return signing.publicKey(privateKey);
    }

    @Override
    public Signature sign(byte[] digest32, byte[] privateKey) {
        return signing.sign(digest32, privateKey);
    }

    @Override
    public byte[] recover(byte[] digest32, Signature signature) {
        if (signature.r().compareTo(dev.cyberia.keystore.internal.Secp256k1.N) >= 0
                || signature.s().compareTo(dev.cyberia.keystore.internal.Secp256k1.N) >= 0) {
            return null;
        }
        byte[] compact = Bytes.concat(Bytes.toFixed(signature.r(), 32), Bytes.toFixed(signature.s(), 32));
        try {
            byte[] uncompressed = Secp256k1.Companion.ecdsaRecover(compact, digest32, signature.yParity());
            return Arrays.copyOfRange(uncompressed, 1, 65);
        } catch (RuntimeException noKey) { // Secp256k1Exception: no public key for this signature
            return null;
        }
    }

    @Override
    public String name() {
        return "Bouncy Castle (signing), native libsecp256k1 (recovery)";
    }
}
