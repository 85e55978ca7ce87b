package dev.cyberia.agentcore;

/** The root of what agent-core throws. {@link #retriable()} says whether the same call may succeed later. */
public class AgentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }

    public boolean retriable() {
        return false;
    }
}
