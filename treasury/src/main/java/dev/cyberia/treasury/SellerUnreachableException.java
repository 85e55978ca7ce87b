package dev.cyberia.treasury;

/**
 * The seller could not be reached before anything was signed: nothing was paid or journaled, and
 * the same purchase may be tried again, or from another seller.
 */
public final class SellerUnreachableException extends TreasuryException {
    private static final long serialVersionUID = 1L;

    public SellerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retriable() {
        return true;
    }
}
