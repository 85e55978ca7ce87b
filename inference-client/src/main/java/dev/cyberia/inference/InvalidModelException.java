package dev.cyberia.inference;

/** A model folder that cannot be used: a missing file (named), a malformed config or template. */
public class InvalidModelException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
