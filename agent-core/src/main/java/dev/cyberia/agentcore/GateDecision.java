package dev.cyberia.agentcore;

/** The policy gate's answer, always with its reason. */
public sealed interface GateDecision {
    String reason();

    record Allow(String reason) implements GateDecision {}

    record Deny(String reason) implements GateDecision {}

    /** Only a person may allow this; the agent sees a refusal. */
    record NeedsApproval(String reason) implements GateDecision {}
}
