package dev.cyberia.treasury;

/** Bad input: an amount with too many decimals, a wrong chain id, insufficient funds. Not retriable. */
public class InvalidTreasuryInputException extends TreasuryException {
    private static final long serialVersionUID = 1L;

    public InvalidTreasuryInputException(String message) {
        super(message);
    }
}
