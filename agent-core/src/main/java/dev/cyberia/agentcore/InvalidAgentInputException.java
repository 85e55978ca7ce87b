package dev.cyberia.agentcore;

/** Bad input from a person: a malformed definition, an unknown agent, a launch of a running agent. */
public class InvalidAgentInputException extends AgentException {
    private static final long serialVersionUID = 1L;

    public InvalidAgentInputException(String message) {
        super(message);
    }

    public InvalidAgentInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
