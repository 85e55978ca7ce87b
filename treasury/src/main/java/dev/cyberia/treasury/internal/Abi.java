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

    /** Dynamic {@code bytes} (a {@code byte[]} alone is a {@code bytes32}). */
    public record Bytes(byte[] value) {
        public Bytes {
            value = value.clone();
        }
    }

    /** A tuple (a Solidity struct): static when all its members are. */
    public record Tuple(java.util.List<Object> members) {
        public Tuple {
            members = java.util.List.copyOf(members);
        }

        public static Tuple of(Object... members) {
            return new Tuple(java.util.List.of(members));
        }
    }

    /**
     * Call data for a function: static arguments (Address, BigInteger as uint256, byte[32], Integer
     * as uint8, Boolean, a Tuple of static members) and dynamic ones (String, {@link Bytes},
     * Address[], a {@code List} as a dynamic array, a Tuple with a dynamic member), heads in
     * order, then the tails.
     */
    public static byte[] call(String signature, Object... args) {
        byte[] body = encode(java.util.List.of(args));
        byte[] out = new byte[4 + body.length];
        System.arraycopy(selector(signature), 0, out, 0, 4);
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    /** The ABI encoding of a sequence of values (a tuple's body, or a function's arguments). */
    public static byte[] encode(java.util.List<?> values) {
        java.io.ByteArrayOutputStream heads = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream tails = new java.io.ByteArrayOutputStream();
        int headSize = 0;
        for (Object v : values) {
            headSize += isDynamic(v) ? 32 : headSize(v);
        }
        for (Object v : values) {
            if (isDynamic(v)) {
                heads.writeBytes(word(BigInteger.valueOf(headSize + tails.size())));
                tails.writeBytes(encodeValue(v));
            } else {
                heads.writeBytes(encodeValue(v));
            }
        }
        heads.writeBytes(tails.toByteArray());
        return heads.toByteArray();
    }

    private static boolean isDynamic(Object v) {
        return v instanceof String
                || v instanceof Bytes
                || v instanceof Address[]
                || v instanceof java.util.List<?>
                || (v instanceof Tuple t && t.members().stream().anyMatch(Abi::isDynamic));
    }

    private static int headSize(Object v) {
        return v instanceof Tuple t
                ? t.members().stream().mapToInt(Abi::headSize).sum()
                : 32;
    }

    private static byte[] encodeValue(Object v) {
        if (v instanceof String text) {
            return lengthPrefixed(text.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof Bytes b) {
            return lengthPrefixed(b.value());
        } else if (v instanceof Address[] list) {
            return encodeValue(java.util.List.of((Object[]) list));
        } else if (v instanceof java.util.List<?> list) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(word(BigInteger.valueOf(list.size())));
            out.writeBytes(encode(list));
            return out.toByteArray();
        } else if (v instanceof Tuple t) {
            return encode(t.members());
        }
        return word(v);
    }

    private static byte[] lengthPrefixed(byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(word(BigInteger.valueOf(data.length)));
        out.writeBytes(Arrays.copyOf(data, (data.length + 31) / 32 * 32));
        return out.toByteArray();
    }

    static byte[] word(Object arg) {
        byte[] w = new byte[32];
        if (arg instanceof Address a) {
            System.arraycopy(a.toBytes(), 0, w, 12, 20);
        } else if (arg instanceof BigInteger n) {
            if (n.signum() < 0) {
                java.util.Arrays.fill(w, (byte) 0xff); // two's complement: a negative intN fills its word with ones
            }
            byte[] raw = n.toByteArray();
            int skip = raw.length > 32 ? raw.length - 32 : 0;
            System.arraycopy(raw, skip, w, 32 - (raw.length - skip), raw.length - skip);
        } else if (arg instanceof Integer n) {
            return word(BigInteger.valueOf(n));
        } else if (arg instanceof Long n) {
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

    /** The {@code index}-th word as a signed integer (an {@code intN}). */
    public static BigInteger signedWordAt(String hexResult, int index) {
        BigInteger w = wordAt(hexResult, index);
        return w.testBit(255) ? w.subtract(BigInteger.ONE.shiftLeft(256)) : w;
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
