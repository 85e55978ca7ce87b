package dev.cyberia.tools;

import dev.cyberia.agentcore.InvalidAgentInputException;

/** A skill that cannot be loaded: an unknown class, no public no-argument constructor, an unsupported parameter type. */
public class InvalidSkillException extends InvalidAgentInputException {
    private static final long serialVersionUID = 1L;

    public InvalidSkillException(String message) {
        super(message);
    }

    public InvalidSkillException(String message, Throwable cause) {
        super(message, cause);
    }
}
