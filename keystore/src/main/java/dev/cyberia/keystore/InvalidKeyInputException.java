package dev.cyberia.keystore;

/**
 * Bad input: a wrong passphrase, a corrupt keystore file, a mnemonic with a bad checksum, a name
 * that is taken, an unwritable home folder. The message names the problem and what to do.
 */
public class InvalidKeyInputException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public InvalidKeyInputException(String message) {
        super(message);
    }

    public InvalidKeyInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
