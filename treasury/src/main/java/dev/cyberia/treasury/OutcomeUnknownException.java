package dev.cyberia.treasury;

/**
 * A transaction was signed and may have reached the chain, but its outcome is not known yet.
 * Never retry by sending again: the journal holds the signed bytes, and the reconciler finishes
 * the payment (re-broadcasting the same bytes) on the next start or call.
 */
public class OutcomeUnknownException extends TreasuryException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
