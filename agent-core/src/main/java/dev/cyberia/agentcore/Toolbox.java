package dev.cyberia.agentcore;

import java.util.List;
import java.util.Optional;

/** The tools an agent has. The runtime puts the policy gate and the event trail around every call. */
public interface Toolbox {
    List<ToolDescriptor> tools();

    /**
     * Checks a call against the tool's signature, before anything runs.
     *
     * @return what is wrong, or empty when the call may run
     */
    Optional<String> validate(ToolCall call);

    /**
     * Runs a validated call.
     *
     * @throws AgentException only for what must end the tick (a payment whose outcome is unknown);
     *     anything else is a {@link ToolOutcome}
     */
    ToolOutcome invoke(ToolCall call, CallContext context);
}
