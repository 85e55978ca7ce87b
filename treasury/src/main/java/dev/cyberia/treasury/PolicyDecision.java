package dev.cyberia.treasury;

/** What the spend policy says about one payment, always with the reason. */
public sealed interface PolicyDecision {
    String reason();

    record Allow(String reason) implements PolicyDecision {}

    record Deny(String reason) implements PolicyDecision {}

    record NeedsApproval(String reason) implements PolicyDecision {}
}
