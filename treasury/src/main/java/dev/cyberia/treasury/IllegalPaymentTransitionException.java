package dev.cyberia.treasury;

/**
 * A journal change that would move a payment from a state it is no longer in: someone else (a
 * twin call, a person approving or denying, a reconciler) moved it first. Nothing was changed;
 * read the payment again to see where it is.
 */
public final class IllegalPaymentTransitionException extends TreasuryException {
    private static final long serialVersionUID = 1L;

    public IllegalPaymentTransitionException(String message) {
        super(message);
    }
}
