package dev.cyberia.keystore;

/**
 * The root of everything the keystore throws. A plain {@code KeystoreException} is a failure at
 * run time (a disk error, say); {@link InvalidKeyInputException} means the input was wrong and
 * retrying the same input cannot help. Messages never contain key material or passphrases.
 */
public class KeystoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeystoreException(String message) {
        super(message);
    }

    public KeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
