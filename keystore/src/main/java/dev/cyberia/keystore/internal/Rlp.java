package dev.cyberia.keystore.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;

/** Recursive Length Prefix encoding (Ethereum yellow paper, appendix B). Items are byte[] or List of items. */
public final class Rlp {
    private Rlp() {}

    public static byte[] encode(Object item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(item, out);
        return out.toByteArray();
    }

    public static byte[] integer(BigInteger value) {
        return Bytes.toMinimal(value);
    }

    private static void write(Object item, ByteArrayOutputStream out) {
        if (item instanceof byte[] bytes) {
            if (bytes.length == 1 && (bytes[0] & 0xff) < 0x80) {
                out.write(bytes[0]);
            } else {
                writeLength(bytes.length, 0x80, out);
                out.writeBytes(bytes);
            }
        } else if (item instanceof List<?> list) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Object element : list) {
                write(element, body);
            }
            writeLength(body.size(), 0xc0, out);
            out.writeBytes(body.toByteArray());
        } else {
            throw new IllegalArgumentException("RLP item must be byte[] or List, not " + item);
        }
    }

    private static void writeLength(int length, int offset, ByteArrayOutputStream out) {
        if (length < 56) {
            out.write(offset + length);
        } else {
            byte[] len = Bytes.toMinimal(BigInteger.valueOf(length));
            out.write(offset + 55 + len.length);
            out.writeBytes(len);
        }
    }
}
