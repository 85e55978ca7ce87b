package dev.cyberia.treasury;

/**
 * The root of what the treasury throws. {@link #retriable()} says whether the same call may
 * succeed later (an RPC that is down); subclasses say more. A transaction whose fate is unknown
 * is never a plain TreasuryException: see {@link OutcomeUnknownException}.
 */
public class TreasuryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TreasuryException(String message) {
        super(message);
    }

    public TreasuryException(String message, Throwable cause) {
        super(message, cause);
    }

    public boolean retriable() {
        return false;
    }
}
