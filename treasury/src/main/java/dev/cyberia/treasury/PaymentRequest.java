package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;

/**
 * What a caller asks the treasury to pay.
 *
 * @param idempotencyKey the same key twice returns the first payment, never a second one
 * @param purpose the expense account, e.g. {@code expenses:inference}; {@code expenses:transfers} by default
 * @param amount more than zero for {@link Treasury#pay}; zero for a {@link Treasury#transact contract call}
 */
public record PaymentRequest(String idempotencyKey, Address payee, Amount amount, String purpose) {

    /** Whether this moves money in (an x402 settlement the wallet collects) rather than out. */
    public boolean isIncome() {
        return purpose.startsWith("income:");
    }

    public PaymentRequest {
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidTreasuryInputException("an idempotency key is 1-200 characters");
        }
        if (purpose == null || !purpose.matches("(expenses|income):[a-z0-9_:-]{1,80}")) {
            throw new InvalidTreasuryInputException(
                    "a payment purpose is an expense account such as expenses:inference (or an income account for money collected), got '"
                            + purpose + "'");
        }
    }
}
