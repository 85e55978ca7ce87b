package dev.cyberia.keystore.internal;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9IntegerConverter;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.custom.sec.SecP256K1Curve;

/**
 * secp256k1 ECDSA as Ethereum uses it, on Bouncy Castle: RFC 6979 deterministic nonces, low-s
 * signatures, and the recovery id taken from the nonce point itself (no trial recovery).
 *
 * <p>Keys come in as 32-byte arrays owned by the caller. The scalar is turned into a transient
 * {@link BigInteger} for the arithmetic (Bouncy Castle needs one); the caller wipes its array.
 */
public final class Secp256k1 {
    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    public static final ECDomainParameters CURVE =
            new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());
    public static final BigInteger N = PARAMS.getN();
    private static final BigInteger HALF_N = N.shiftRight(1);
    private static final FixedPointCombMultiplier MULTIPLIER = new FixedPointCombMultiplier();

    private Secp256k1() {}

    /** A signature with its recovery id (the parity of R's y, 0 or 1). */
    public record Rsv(BigInteger r, BigInteger s, int recoveryId) {}

    public static boolean isValidPrivateKey(byte[] key) {
        if (key.length != 32) {
            return false;
        }
        BigInteger d = new BigInteger(1, key);
        return d.signum() > 0 && d.compareTo(N) < 0;
    }

    /** The 64-byte uncompressed public key (x || y, no 0x04 prefix). */
    public static byte[] publicKey(byte[] privateKey) {
        ECPoint q =
                MULTIPLIER.multiply(CURVE.getG(), new BigInteger(1, privateKey)).normalize();
        return Arrays.copyOfRange(q.getEncoded(false), 1, 65);
    }

    /** The 33-byte compressed form of a 64-byte public key. */
    public static byte[] compress(byte[] publicKey64) {
        return decodePoint(publicKey64).getEncoded(true);
    }

    public static Rsv sign(byte[] hash32, byte[] privateKey) {
        BigInteger d = new BigInteger(1, privateKey);
        BigInteger e = new BigInteger(1, hash32);
        HMacDSAKCalculator kCalculator = new HMacDSAKCalculator(new SHA256Digest());
        kCalculator.init(N, d, hash32);
        while (true) {
            BigInteger k = kCalculator.nextK();
            ECPoint p = MULTIPLIER.multiply(CURVE.getG(), k).normalize();
            BigInteger rx = p.getAffineXCoord().toBigInteger();
            BigInteger r = rx.mod(N);
            if (r.signum() == 0) {
                continue;
            }
            BigInteger s = k.modInverse(N).multiply(e.add(d.multiply(r))).mod(N);
            if (s.signum() == 0) {
                continue;
            }
            int recoveryId = p.getAffineYCoord().testBitZero() ? 1 : 0;
            if (rx.compareTo(N) >= 0) {
                recoveryId |= 2;
            }
            if (s.compareTo(HALF_N) > 0) {
                s = N.subtract(s);
                recoveryId ^= 1;
            }
            return new Rsv(r, s, recoveryId);
        }
    }

    /**
     * Recovers the 64-byte public key that produced a signature, or {@code null} if none does
     * (SEC 1 v2, section 4.1.6).
     */
    public static byte[] recover(byte[] hash32, BigInteger r, BigInteger s, int recoveryId) {
        if (r.signum() <= 0 || r.compareTo(N) >= 0 || s.signum() <= 0 || s.compareTo(N) >= 0) {
            return null;
        }
        if (recoveryId < 0 || recoveryId > 3) {
            return null;
        }
        BigInteger x = r;
        if ((recoveryId & 2) != 0) {
            x = x.add(N);
            if (x.compareTo(SecP256K1Curve.q) >= 0) {
                return null;
            }
        }
        ECPoint bigR;
        try {
            bigR = decompress(x, (recoveryId & 1) == 1);
        } catch (IllegalArgumentException notOnCurve) {
            return null;
        }
        BigInteger e = new BigInteger(1, hash32);
        BigInteger rInv = r.modInverse(N);
        BigInteger eInvR = N.subtract(e).multiply(rInv).mod(N);
        BigInteger sInvR = s.multiply(rInv).mod(N);
        ECPoint q = ECAlgorithms.sumOfTwoMultiplies(CURVE.getG(), eInvR, bigR, sInvR)
                .normalize();
        if (q.isInfinity()) {
            return null;
        }
        return Arrays.copyOfRange(q.getEncoded(false), 1, 65);
    }

    private static ECPoint decompress(BigInteger x, boolean yOdd) {
        X9IntegerConverter converter = new X9IntegerConverter();
        byte[] encoded = converter.integerToBytes(x, 1 + converter.getByteLength(CURVE.getCurve()));
        encoded[0] = (byte) (yOdd ? 0x03 : 0x02);
        return CURVE.getCurve().decodePoint(encoded);
    }

    static ECPoint decodePoint(byte[] publicKey64) {
        byte[] encoded = new byte[65];
        encoded[0] = 0x04;
        System.arraycopy(publicKey64, 0, encoded, 1, 64);
        return CURVE.getCurve().decodePoint(encoded);
    }

    /** Adds two private keys modulo n (BIP-32 child derivation); returns null on the zero key. */
    static byte[] addPrivateKeys(byte[] a, byte[] b) {
        BigInteger sum = new BigInteger(1, a).add(new BigInteger(1, b)).mod(N);
        return sum.signum() == 0 ? null : Bytes.toFixed(sum, 32);
    }
}
