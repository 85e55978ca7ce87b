package dev.cyberia.treasury.internal;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Hashes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** The few Solidity ABI encodings the treasury needs: static arguments and strings in, words and strings out. */
public final class Abi {
    private Abi() {}

    /** The topic of an event: keccak-256 of its signature, as 0x-hex. */
    public static String topic(String eventSignature) {
        return hex(Hashes.keccak256(eventSignature.getBytes(StandardCharsets.US_ASCII)));
    }

    public static byte[] selector(String signature) {
        return Arrays.copyOf(Hashes.keccak256(signature.getBytes(StandardCharsets.US_ASCII)), 4);
    }

    /**
     * Call data for a function whose arguments are static (Address, BigInteger as uint256, byte[32],
     * Integer as uint8, Boolean) or dynamic (String, Address[]): heads in order, then the dynamic tails.
     */
    public static byte[] call(String signature, Object... args) {
        java.io.ByteArrayOutputStream heads = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream tails = new java.io.ByteArrayOutputStream();
        int headSize = 32 * args.length;
        for (Object arg : args) {
            if (arg instanceof String text) {
                heads.writeBytes(word(BigInteger.valueOf(headSize + tails.size())));
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                tails.writeBytes(word(BigInteger.valueOf(utf8.length)));
                tails.writeBytes(Arrays.copyOf(utf8, (utf8.length + 31) / 32 * 32));
            } else if (arg instanceof Address[] list) {
                heads.writeBytes(word(BigInteger.valueOf(headSize + tails.size())));
                tails.writeBytes(word(BigInteger.valueOf(list.length)));
                for (Address a : list) {
                    tails.writeBytes(word(a));
                }
            } else {
                heads.writeBytes(word(arg));
            }
        }
        byte[] out = new byte[4 + heads.size() + tails.size()];
        System.arraycopy(selector(signature), 0, out, 0, 4);
        System.arraycopy(heads.toByteArray(), 0, out, 4, heads.size());
        System.arraycopy(tails.toByteArray(), 0, out, 4 + heads.size(), tails.size());
        return out;
    }

    static byte[] word(Object arg) {
        byte[] w = new byte[32];
        if (arg instanceof Address a) {
            System.arraycopy(a.toBytes(), 0, w, 12, 20);
        } else if (arg instanceof BigInteger n) {
            byte[] raw = n.toByteArray();
            int skip = raw.length > 32 ? raw.length - 32 : 0;
            System.arraycopy(raw, skip, w, 32 - (raw.length - skip), raw.length - skip);
        } else if (arg instanceof Integer n) {
            return word(BigInteger.valueOf(n));
        } else if (arg instanceof Boolean b) {
            return word(b ? BigInteger.ONE : BigInteger.ZERO);
        } else if (arg instanceof byte[] b && b.length == 32) {
            return b.clone();
        } else {
            throw new IllegalArgumentException("unsupported ABI argument " + arg);
        }
        return w;
    }

    public static BigInteger uint(String hexResult) {
        byte[] bytes = bytes(hexResult);
        if (bytes.length < 32) {
            throw new IllegalArgumentException("expected a 32-byte word, got " + bytes.length + " bytes");
        }
        return new BigInteger(1, Arrays.copyOfRange(bytes, 0, 32));
    }

    public static String string(String hexResult) {
        return stringAt(hexResult, 0);
    }

    /** The dynamic string whose offset is in word {@code index} of an ABI-encoded result. */
    public static String stringAt(String hexResult, int index) {
        byte[] bytes = bytes(hexResult);
        int offset = new BigInteger(1, Arrays.copyOfRange(bytes, 32 * index, 32 * index + 32)).intValueExact();
        int length = new BigInteger(1, Arrays.copyOfRange(bytes, offset, offset + 32)).intValueExact();
        return new String(bytes, offset + 32, length, StandardCharsets.UTF_8);
    }

    /** The unsigned word at {@code index} of an ABI-encoded result. */
    public static BigInteger wordAt(String hexResult, int index) {
        byte[] bytes = bytes(hexResult);
        return new BigInteger(1, Arrays.copyOfRange(bytes, 32 * index, 32 * index + 32));
    }

    /** The unsigned word starting at byte {@code offset} of ABI-encoded data. */
    public static BigInteger uintAtOffset(byte[] data, int offset) {
        return new BigInteger(1, Arrays.copyOfRange(data, offset, offset + 32));
    }

    /** The dynamic string whose length word starts at byte {@code offset}. */
    public static String stringAtOffset(byte[] data, int offset) {
        int length = uintAtOffset(data, offset).intValueExact();
        return new String(data, offset + 32, length, StandardCharsets.UTF_8);
    }

    public static byte[] bytes(String hex) {
        String digits = hex.startsWith("0x") ? hex.substring(2) : hex;
        return HexFormat.of().parseHex(digits);
    }

    public static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
