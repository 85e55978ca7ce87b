package dev.cyberia.keystore;

/** Where a stored key came from. */
public enum KeyOrigin {
    /** Made here from a new BIP-39 mnemonic. */
    GENERATED,
    /** Derived from a mnemonic the user brought. */
    MNEMONIC,
    /** A raw private key the user brought. */
    PRIVATE_KEY,
    /** A v3 keystore file from another wallet, kept with its own encryption. */
    KEYSTORE_FILE
}
