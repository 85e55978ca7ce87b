package dev.cyberia.cli.archviolation;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.SignedTransaction;
import dev.cyberia.keystore.Signer;
import dev.cyberia.keystore.TypedData;
import dev.cyberia.keystore.UnsignedTransaction;

/** A public implementation class outside an internal package: what the rules forbid. */
public final class PublicSignerImplementation implements Signer {
    @Override
    public Address address() {
        throw new UnsupportedOperationException("deliberate architecture violation; never called");
    }

    @Override
    public SignedTransaction signTransaction(UnsignedTransaction transaction) {
        throw new UnsupportedOperationException("deliberate architecture violation; never called");
    }

    @Override
    public Signature signPersonalMessage(byte[] message) {
        throw new UnsupportedOperationException("deliberate architecture violation; never called");
    }

    @Override
    public Signature signTypedData(TypedData typedData) {
        throw new UnsupportedOperationException("deliberate architecture violation; never called");
    }

    @Override
    public void close() {}
}
