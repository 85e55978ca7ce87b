package dev.cyberia.keystore;

import dev.cyberia.keystore.internal.EcdsaEngine;
import dev.cyberia.keystore.internal.Messages;

/** Recovering signers from signatures; needs no key, so anyone may call it. */
public final class Signatures {
    private Signatures() {}

    /**
     * The address whose key produced {@code signature} over a 32-byte digest.
     *
     * @throws InvalidKeyInputException when no public key matches (a malformed signature)
     */
    public static Address recoverAddress(byte[] digest32, Signature signature) {
        if (digest32.length != 32) {
            throw new InvalidKeyInputException("a digest is 32 bytes, got " + digest32.length);
        }
        byte[] publicKey = EcdsaEngine.current().recover(digest32, signature);
        if (publicKey == null) {
            throw new InvalidKeyInputException("signature " + signature + " does not recover to any public key");
        }
        return Address.fromPublicKey(publicKey);
    }

    /** The address that signed an EIP-191 personal message. */
    public static Address recoverPersonalMessage(byte[] message, Signature signature) {
        return recoverAddress(personalMessageDigest(message), signature);
    }

    /** The address that signed EIP-712 typed data. */
    public static Address recoverTypedData(TypedData typedData, Signature signature) {
        return recoverAddress(typedData.digest(), signature);
    }

    /** Which secp256k1 libraries this process signs and recovers with. */
    public static String engine() {
        return EcdsaEngine.current().name();
    }

    /** The EIP-191 digest of a personal message. */
    public static byte[] personalMessageDigest(byte[] message) {
        return Messages.personalMessageDigest(message);
    }
}
