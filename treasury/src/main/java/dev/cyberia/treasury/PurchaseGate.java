package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.util.Optional;

/**
 * A check of the caller's own (an agent's tier, budgets and payee allowlist) on the exact payee and
 * price a purchase would sign, made before the treasury's spend policy. A refusal is final for the
 * purchase: nothing is signed.
 */
@FunctionalInterface
public interface PurchaseGate {
    /** No check beyond the treasury's spend policy. */
    PurchaseGate NONE = (order, payee, price) -> Optional.empty();

    /** Why paying {@code price} to {@code payee} for {@code order} is refused, or empty to go on. */
    Optional<String> refusal(PurchaseOrder order, Address payee, Amount price);
}
