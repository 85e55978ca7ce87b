package dev.cyberia.inference;

/** The root of what inference throws. {@link #retriable()} says whether the same call may work later. */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public boolean retriable() {
        return false;
    }
}
