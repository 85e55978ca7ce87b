package dev.cyberia.keystore;

import dev.cyberia.keystore.internal.Bytes;
import dev.cyberia.keystore.internal.Hex;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * A secp256k1 ECDSA signature as Ethereum carries it: {@code r}, a low {@code s}, and the y
 * parity of the nonce point (0 or 1).
 */
public record Signature(BigInteger r, BigInteger s, int yParity) {

    public Signature {
        if (r.signum() <= 0 || s.signum() <= 0 || r.bitLength() > 256 || s.bitLength() > 256) {
            throw new InvalidKeyInputException("signature r and s must be 1..2^256-1");
        }
        if (yParity != 0 && yParity != 1) {
            throw new InvalidKeyInputException("signature y parity must be 0 or 1, got " + yParity);
        }
    }

    /** {@code 27 + yParity}, the v of EIP-191 and EIP-712 signatures. */
    public int v() {
        return 27 + yParity;
    }

    /** The 65-byte form {@code r || s || v} with v 27 or 28, as {@code eth_sign} returns it. */
    public byte[] toBytes() {
        byte[] out = new byte[65];
        System.arraycopy(Bytes.toFixed(r, 32), 0, out, 0, 32);
        System.arraycopy(Bytes.toFixed(s, 32), 0, out, 32, 32);
        out[64] = (byte) v();
        return out;
    }

    public String toHex() {
        return Hex.prefixed(toBytes());
    }

    /**
     * Reads the 65-byte form; v may be 27/28 or 0/1.
     *
     * @throws InvalidKeyInputException when the bytes are not a signature
     */
    public static Signature fromBytes(byte[] sig) {
        if (sig.length != 65) {
            throw new InvalidKeyInputException("a signature is 65 bytes (r, s, v), got " + sig.length);
        }
        int v = sig[64] & 0xff;
        int parity = v >= 27 ? v - 27 : v;
        return new Signature(
                new BigInteger(1, Arrays.copyOfRange(sig, 0, 32)),
                new BigInteger(1, Arrays.copyOfRange(sig, 32, 64)),
                parity);
    }

    public static Signature fromHex(String hex) {
        return fromBytes(Hex.decode(hex, "signature"));
    }

    @Override
    public String toString() {
        return toHex();
    }
}
