package dev.cyberia.agentcore;

/** A spend the policy gate (or the treasury's policy) refused; nothing was signed. The planner sees a refusal. */
public class SpendRefusedException extends AgentException {
    private static final long serialVersionUID = 1L;

    public SpendRefusedException(String reason) {
        super(reason);
    }
}
