package dev.cyberia.keystore.internal;

import java.math.BigInteger;
import java.util.Arrays;

/** Small byte helpers used across the keystore. */
public final class Bytes {
    private Bytes() {}

    /** Unsigned big-endian, left-padded (or checked) to exactly {@code length} bytes. */
    public static byte[] toFixed(BigInteger value, int length) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative value");
        }
        byte[] raw = value.toByteArray();
        if (raw.length == length) {
            return raw;
        }
        if (raw.length == length + 1 && raw[0] == 0) {
            return Arrays.copyOfRange(raw, 1, raw.length);
        }
        if (raw.length > length) {
            throw new IllegalArgumentException("value does not fit in " + length + " bytes");
        }
        byte[] out = new byte[length];
        System.arraycopy(raw, 0, out, length - raw.length, raw.length);
        return out;
    }

    /** Minimal unsigned big-endian bytes; zero is the empty array (as RLP wants). */
    public static byte[] toMinimal(BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative value");
        }
        if (value.signum() == 0) {
            return new byte[0];
        }
        byte[] raw = value.toByteArray();
        return raw[0] == 0 ? Arrays.copyOfRange(raw, 1, raw.length) : raw;
    }

    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    public static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }
}
