package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.InvalidKeyInputException;

/** Lower-case hex without surprises: {@code 0x} prefix optional on input, never on output unless asked. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    public static String prefixed(byte[] bytes) {
        return "0x" + encode(bytes);
    }

    /** Decodes hex with or without {@code 0x}; throws {@link InvalidKeyInputException} naming {@code what}. */
    public static byte[] decode(CharSequence hex, String what) {
        int start =
                (hex.length() >= 2 && hex.charAt(0) == '0' && (hex.charAt(1) == 'x' || hex.charAt(1) == 'X')) ? 2 : 0;
        int length = hex.length() - start;
        if (length % 2 != 0) {
            throw new InvalidKeyInputException(what + " is not valid hex (odd number of digits)");
        }
        byte[] out = new byte[length / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(start + 2 * i), 16);
            int lo = Character.digit(hex.charAt(start + 2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new InvalidKeyInputException(what + " is not valid hex (unexpected character)");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    public static boolean isHex(CharSequence s) {
        int start = (s.length() >= 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) ? 2 : 0;
        if (s.length() == start || (s.length() - start) % 2 != 0) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
