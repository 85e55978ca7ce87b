package dev.cyberia.keystore;

/**
 * Signs with one private key that it holds and never gives out. Obtain one by unlocking a key in
 * a {@link Keystore}; close it when done, which wipes the key from memory.
 *
 * <p>All signatures are RFC 6979 deterministic and low-s. A closed signer throws
 * {@link KeystoreException} on every signing call. Implementations are thread-safe.
 */
public interface Signer extends AutoCloseable {

    /** The address of the key. Never secret; works after {@link #close()} too. */
    Address address();

    /** Signs an EIP-1559 or legacy transaction (EIP-155 when it has a chain id). */
    SignedTransaction signTransaction(UnsignedTransaction transaction);

    /**
     * Signs an EIP-191 version 0x45 "personal message": Keccak-256 of {@code "\x19Ethereum Signed
     * Message:\n" + length + message}. This is what {@code personal_sign} and ethers'
     * {@code signMessage} produce.
     */
    Signature signPersonalMessage(byte[] message);

    /** Signs EIP-712 typed data: Keccak-256 of {@code 0x1901 || domainSeparator || hashStruct(message)}. */
    Signature signTypedData(TypedData typedData);

    /** Wipes the key. Further signing calls fail. */
    @Override
    void close();
}
