package dev.cyberia.keystore;

import dev.cyberia.keystore.internal.Bytes;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * A passphrase held in a {@code char[]} that {@link #close()} wipes. Prints as {@code ***}.
 */
public final class Passphrase implements AutoCloseable {
    private final char[] chars;

    private Passphrase(char[] chars) {
        this.chars = chars;
    }

    /** Takes ownership of {@code chars}; it is wiped on {@link #close()}. */
    public static Passphrase wrap(char[] chars) {
        return new Passphrase(chars);
    }

    /** The empty passphrase (BIP-39 without a "25th word"). */
    public static Passphrase empty() {
        return new Passphrase(new char[0]);
    }

    public boolean isEmpty() {
        return chars.length == 0;
    }

    public int length() {
        return chars.length;
    }

    /** The UTF-8 bytes, optionally NFKD-normalised (BIP-39). The caller wipes the result. */
    public byte[] utf8(boolean nfkd) {
        CharBuffer source = CharBuffer.wrap(chars);
        if (nfkd && !isAscii()) {
            source = CharBuffer.wrap(Normalizer.normalize(source, Normalizer.Form.NFKD));
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(source);
        byte[] out = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
        Bytes.wipe(encoded.array());
        return out;
    }

    /** Whether both hold the same characters (used to confirm a typed passphrase). */
    public boolean sameAs(Passphrase other) {
        return java.security.MessageDigest.isEqual(utf8(false), other.utf8(false));
    }

    private boolean isAscii() {
        for (char c : chars) {
            if (c > 0x7f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        Bytes.wipe(chars);
    }

    @Override
    public String toString() {
        return "***";
    }
}
