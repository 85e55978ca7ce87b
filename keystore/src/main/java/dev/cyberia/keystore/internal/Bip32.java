package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.KeystoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** BIP-32 private derivation on secp256k1. Instances hold secrets: close them. */
public final class Bip32 implements AutoCloseable {
    private static final int XPRV_VERSION = 0x0488ADE4;
    private static final int XPUB_VERSION = 0x0488B21E;

    private final byte[] key;
    private final byte[] chainCode;
    private final int depth;
    private final int parentFingerprint;
    private final int childNumber;

    private Bip32(byte[] key, byte[] chainCode, int depth, int parentFingerprint, int childNumber) {
        this.key = key;
        this.chainCode = chainCode;
        this.depth = depth;
        this.parentFingerprint = parentFingerprint;
        this.childNumber = childNumber;
    }

    /** The master key of a seed (16..64 bytes). */
    public static Bip32 master(byte[] seed) {
        byte[] i = hmacSha512("Bitcoin seed".getBytes(StandardCharsets.US_ASCII), seed);
        byte[] key = Arrays.copyOfRange(i, 0, 32);
        byte[] chain = Arrays.copyOfRange(i, 32, 64);
        Bytes.wipe(i);
        if (!Secp256k1.isValidPrivateKey(key)) {
            Bytes.wipe(key);
            Bytes.wipe(chain);
            throw new KeystoreException("this seed gives an invalid BIP-32 master key (probability < 2^-127)");
        }
        return new Bip32(key, chain, 0, 0, 0);
    }

    /** Derives along a path from this key; the intermediate keys are wiped. */
    public Bip32 derive(DerivationPath path) {
        Bip32 current = copy();
        for (int index : path.indices()) {
            Bip32 next = current.child(index);
            current.close();
            current = next;
        }
        return current;
    }

    private Bip32 copy() {
        return new Bip32(key.clone(), chainCode.clone(), depth, parentFingerprint, childNumber);
    }

    private Bip32 child(int index) {
        byte[] publicKey = Secp256k1.compress(Secp256k1.publicKey(key));
        byte[] data;
        if (DerivationPath.isHardened(index)) {
            data = Bytes.concat(new byte[] {0}, key, ser32(index));
        } else {
            data = Bytes.concat(publicKey, ser32(index));
        }
        byte[] i = hmacSha512(chainCode, data);
        Bytes.wipe(data);
        byte[] il = Arrays.copyOfRange(i, 0, 32);
        byte[] ir = Arrays.copyOfRange(i, 32, 64);
        Bytes.wipe(i);
        boolean ilInRange = new java.math.BigInteger(1, il).compareTo(Secp256k1.N) < 0;
        byte[] childKey = ilInRange ? Secp256k1.addPrivateKeys(il, key) : null;
        Bytes.wipe(il);
        if (childKey == null) {
            Bytes.wipe(ir);
            throw new KeystoreException(
                    "BIP-32 child " + index + " is invalid (probability < 2^-127); use the next index");
        }
        return new Bip32(childKey, ir, depth + 1, fingerprint(publicKey), index);
    }

    /** A copy of the private key; the caller wipes it. */
    public byte[] privateKey() {
        return key.clone();
    }

    public String xprv() {
        return Base58.encodeChecked(serialize(XPRV_VERSION, Bytes.concat(new byte[] {0}, key)));
    }

    public String xpub() {
        return Base58.encodeChecked(serialize(XPUB_VERSION, Secp256k1.compress(Secp256k1.publicKey(key))));
    }

    private byte[] serialize(int version, byte[] keyData) {
        return ByteBuffer.allocate(78)
                .putInt(version)
                .put((byte) depth)
                .putInt(parentFingerprint)
                .putInt(childNumber)
                .put(chainCode)
                .put(keyData)
                .array();
    }

    private static int fingerprint(byte[] compressedPublicKey) {
        byte[] sha = Base58.sha256(compressedPublicKey);
        RIPEMD160Digest ripemd = new RIPEMD160Digest();
        ripemd.update(sha, 0, sha.length);
        byte[] out = new byte[20];
        ripemd.doFinal(out, 0);
        return ByteBuffer.wrap(out, 0, 4).getInt();
    }

    private static byte[] ser32(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    private static byte[] hmacSha512(byte[] key, byte[] data) {
        HMac mac = new HMac(new SHA512Digest());
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[64];
        mac.doFinal(out, 0);
        return out;
    }

    @Override
    public void close() {
        Bytes.wipe(key);
        Bytes.wipe(chainCode);
    }

    @Override
    public String toString() {
        return "Bip32[depth=" + depth + ", key=***]";
    }
}
