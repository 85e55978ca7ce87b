package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.KeystoreException;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.SignedTransaction;
import dev.cyberia.keystore.Signer;
import dev.cyberia.keystore.TypedData;
import dev.cyberia.keystore.UnsignedTransaction;

/** A {@link Signer} over a private key held in memory, in an array that {@link #close()} wipes. */
public final class LocalSigner implements Signer {
    private final Address address;
    private final byte[] privateKey;
    private final EcdsaEngine engine;
    private boolean closed;

    /** Takes ownership of {@code privateKey}: the caller must not use or wipe it afterwards. */
    public LocalSigner(byte[] privateKey, EcdsaEngine engine) {
        if (!Secp256k1.isValidPrivateKey(privateKey)) {
            Bytes.wipe(privateKey);
            throw new dev.cyberia.keystore.InvalidKeyInputException(
                    "private key is out of range for secp256k1 (it must be 32 bytes, from 1 to n-1)");
        }
        this.privateKey = privateKey;
        this.engine = engine;
        this.address = Address.fromPublicKey(engine.publicKey(privateKey));
    }

    @Override
    public Address address() {
        return address;
    }

    @Override
    public SignedTransaction signTransaction(UnsignedTransaction transaction) {
        return TransactionCodec.encodeSigned(transaction, signDigest(TransactionCodec.signingDigest(transaction)));
    }

    @Override
    public Signature signPersonalMessage(byte[] message) {
        return signDigest(Messages.personalMessageDigest(message));
    }

    @Override
    public Signature signTypedData(TypedData typedData) {
        return signDigest(typedData.digest());
    }

    private synchronized Signature signDigest(byte[] digest) {
        if (closed) {
            throw new KeystoreException("the signer for " + address + " is closed; unlock the key again");
        }
        return engine.sign(digest, privateKey);
    }

    @Override
    public synchronized void close() {
        Bytes.wipe(privateKey);
        closed = true;
    }

    @Override
    public String toString() {
        return "LocalSigner[" + address + ", key=***]";
    }
}
