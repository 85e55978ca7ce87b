package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.Eip1559Transaction;
import dev.cyberia.keystore.LegacyTransaction;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.SignedTransaction;
import dev.cyberia.keystore.UnsignedTransaction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The bytes a transaction's signature covers, and the signed encoding (EIP-155, EIP-2718, EIP-1559). */
public final class TransactionCodec {
    private static final byte EIP1559_TYPE = 0x02;

    private TransactionCodec() {}

    public static byte[] signingDigest(UnsignedTransaction tx) {
        return Keccak.keccak256(signingPayload(tx));
    }

    static byte[] signingPayload(UnsignedTransaction tx) {
        if (tx instanceof Eip1559Transaction t) {
            return Bytes.concat(new byte[] {EIP1559_TYPE}, Rlp.encode(eip1559Fields(t)));
        }
        LegacyTransaction t = (LegacyTransaction) tx;
        List<Object> fields = legacyFields(t);
        if (t.chainId() != null) {
            fields.add(Rlp.integer(BigInteger.valueOf(t.chainId())));
            fields.add(new byte[0]);
            fields.add(new byte[0]);
        }
        return Rlp.encode(fields);
    }

    public static SignedTransaction encodeSigned(UnsignedTransaction tx, Signature sig) {
        byte[] raw;
        if (tx instanceof Eip1559Transaction t) {
            List<Object> fields = eip1559Fields(t);
            fields.add(Rlp.integer(BigInteger.valueOf(sig.yParity())));
            fields.add(Rlp.integer(sig.r()));
            fields.add(Rlp.integer(sig.s()));
            raw = Bytes.concat(new byte[] {EIP1559_TYPE}, Rlp.encode(fields));
        } else {
            LegacyTransaction t = (LegacyTransaction) tx;
            BigInteger v = t.chainId() == null
                    ? BigInteger.valueOf(27L + sig.yParity())
                    : BigInteger.valueOf(t.chainId())
                            .multiply(BigInteger.TWO)
                            .add(BigInteger.valueOf(35L + sig.yParity()));
            List<Object> fields = legacyFields(t);
            fields.add(Rlp.integer(v));
            fields.add(Rlp.integer(sig.r()));
            fields.add(Rlp.integer(sig.s()));
            raw = Rlp.encode(fields);
        }
        return new SignedTransaction(raw, Keccak.keccak256(raw), sig);
    }

    private static List<Object> eip1559Fields(Eip1559Transaction t) {
        List<Object> fields = new ArrayList<>();
        fields.add(Rlp.integer(BigInteger.valueOf(t.chainId())));
        fields.add(Rlp.integer(t.nonce()));
        fields.add(Rlp.integer(t.maxPriorityFeePerGas()));
        fields.add(Rlp.integer(t.maxFeePerGas()));
        fields.add(Rlp.integer(t.gasLimit()));
        fields.add(t.to() == null ? new byte[0] : t.to().toBytes());
        fields.add(Rlp.integer(t.value()));
        fields.add(t.data());
        fields.add(List.of());
        return fields;
    }

    private static List<Object> legacyFields(LegacyTransaction t) {
        List<Object> fields = new ArrayList<>();
        fields.add(Rlp.integer(t.nonce()));
        fields.add(Rlp.integer(t.gasPrice()));
        fields.add(Rlp.integer(t.gasLimit()));
        fields.add(t.to() == null ? new byte[0] : t.to().toBytes());
        fields.add(Rlp.integer(t.value()));
        fields.add(t.data());
        return fields;
    }
}
