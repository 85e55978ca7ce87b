package dev.cyberia.keystore.internal;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * scrypt (RFC 7914) with geth's parameter rules: n a power of two, r*p below 2^30. Bouncy
 * Castle's own scrypt also demands n below 2^(16r), which refuses keystores that geth and ethers
 * write and read (the Web3 Secret Storage test vector itself has r=1, n=262144).
 */
public final class Scrypt {
    private Scrypt() {}

    public static byte[] derive(byte[] password, byte[] salt, int n, int r, int p, int dkLen) {
        if (n < 2 || (n & (n - 1)) != 0 || r < 1 || p < 1 || (long) r * p >= (1L << 30)) {
            throw new IllegalArgumentException("invalid scrypt parameters");
        }
        if ((long) n * 32 * r > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("scrypt parameters need more memory than one array can hold");
        }
        int blockInts = 32 * r;
        byte[] b = pbkdf2(password, salt, p * 128 * r);
        int[] x = new int[blockInts];
        int[] v = new int[n * blockInts];
        int[] scratch = new int[blockInts];
        try {
            for (int i = 0; i < p; i++) {
                littleEndianToInts(b, i * 128 * r, x);
                roMix(x, v, scratch, n, r);
                intsToLittleEndian(x, b, i * 128 * r);
            }
            return pbkdf2(password, b, dkLen);
        } finally {
            Arrays.fill(b, (byte) 0);
            Arrays.fill(x, 0);
            Arrays.fill(v, 0);
            Arrays.fill(scratch, 0);
        }
    }

    private static void roMix(int[] x, int[] v, int[] scratch, int n, int r) {
        int blockInts = x.length;
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, 0, v, i * blockInts, blockInts);
            blockMix(x, scratch, r);
        }
        int mask = n - 1;
        for (int i = 0; i < n; i++) {
            int j = x[(2 * r - 1) * 16] & mask;
            int offset = j * blockInts;
            for (int k = 0; k < blockInts; k++) {
                x[k] ^= v[offset + k];
            }
            blockMix(x, scratch, r);
        }
    }

    /** BlockMix with Salsa20/8 over 2r 64-byte blocks, in place (using {@code y} as scratch). */
    private static void blockMix(int[] b, int[] y, int r) {
        int[] x = new int[16];
        int[] t = new int[16];
        System.arraycopy(b, (2 * r - 1) * 16, x, 0, 16);
        for (int i = 0; i < 2 * r; i++) {
            for (int k = 0; k < 16; k++) {
                t[k] = x[k] ^ b[i * 16 + k];
            }
            Salsa20Engine.salsaCore(8, t, x);
            int dest = (i % 2 == 0) ? (i / 2) * 16 : (r + i / 2) * 16;
            System.arraycopy(x, 0, y, dest, 16);
        }
        System.arraycopy(y, 0, b, 0, 32 * r);
    }

    private static byte[] pbkdf2(byte[] password, byte[] salt, int length) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
        generator.init(password, salt, 1);
        return ((KeyParameter) generator.generateDerivedParameters(length * 8)).getKey();
    }

    private static void littleEndianToInts(byte[] bytes, int offset, int[] out) {
        for (int i = 0; i < out.length; i++) {
            int at = offset + 4 * i;
            out[i] = (bytes[at] & 0xff)
                    | (bytes[at + 1] & 0xff) << 8
                    | (bytes[at + 2] & 0xff) << 16
                    | (bytes[at + 3] & 0xff) << 24;
        }
    }

    private static void intsToLittleEndian(int[] ints, byte[] out, int offset) {
        for (int i = 0; i < ints.length; i++) {
            int at = offset + 4 * i;
            out[at] = (byte) ints[i];
            out[at + 1] = (byte) (ints[i] >>> 8);
            out[at + 2] = (byte) (ints[i] >>> 16);
            out[at + 3] = (byte) (ints[i] >>> 24);
        }
    }
}
