package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.internal.EcdsaEngine;
import dev.cyberia.keystore.internal.Keccak;
import dev.cyberia.keystore.internal.Secp256k1;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The native-assisted engine must give exactly what pure Bouncy Castle gives. */
class NativeRecoveryTest {
    private final EcdsaEngine bc = EcdsaEngine.bouncyCastle();

    private EcdsaEngine nativeEngine() {
        return EcdsaEngine.nativeAssisted()
                .orElseThrow(
                        () -> new AssertionError("native libsecp256k1 does not load on this linux x86_64 machine"));
    }

    @Test
    void nativeEngine_loadsHere_andIsTheOneInUse() {
        assertThat(nativeEngine().name()).contains("native");
        assertThat(Signatures.engine()).isEqualTo(nativeEngine().name());
    }

    @Test
    void recovery_isIdentical_forManyKeysAndMessages() {
        EcdsaEngine engine = nativeEngine();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            if (!Secp256k1.isValidPrivateKey(key)) {
                continue;
            }
            byte[] digest = Keccak.keccak256(("m" + i).getBytes(StandardCharsets.UTF_8));
            Signature sig = bc.sign(digest, key);
            assertThat(engine.sign(digest, key)).isEqualTo(sig);
            assertThat(engine.recover(digest, sig))
                    .isEqualTo(bc.recover(digest, sig))
                    .isEqualTo(bc.publicKey(key));
            Signature highS = new Signature(sig.r(), Secp256k1.N.subtract(sig.s()), 1 - sig.yParity());
            assertThat(engine.recover(digest, highS))
                    .isEqualTo(bc.recover(digest, highS))
                    .isEqualTo(bc.publicKey(key));
        }
    }

    @Test
    void recovery_ofImpossibleSignatures_isNullOnBoth() {
        EcdsaEngine engine = nativeEngine();
        byte[] digest = Keccak.keccak256(new byte[] {1});
        Random random = new Random(11);
        int nulls = 0;
        for (int i = 0; i < 200; i++) {
            Signature garbage =
                    new Signature(new BigInteger(256, random).add(BigInteger.ONE), BigInteger.valueOf(i + 1), i % 2);
            byte[] expected = bc.recover(digest, garbage);
            assertThat(engine.recover(digest, garbage)).isEqualTo(expected);
            nulls += expected == null ? 1 : 0;
        }
        Signature rTooLarge = new Signature(Secp256k1.N, BigInteger.ONE, 0);
        assertThat(engine.recover(digest, rTooLarge)).isNull();
        assertThat(bc.recover(digest, rTooLarge)).isNull();
        assertThat(nulls).as("some random r are not x-coordinates on the curve").isPositive();
    }
}
