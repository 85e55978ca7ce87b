package dev.cyberia.agentcore;

/** What came of one tool call, as fed back to the planner. */
public sealed interface ToolOutcome {
    /** The text the planner sees. */
    String text();

    /** The name used in events: DONE, REFUSED, INVALID, FAILED. */
    default String label() {
        return switch (this) {
            case Done d -> "DONE";
            case Refused r -> "REFUSED";
            case Invalid i -> "INVALID";
            case Failed f -> "FAILED";
        };
    }

    /** The tool ran. */
    record Done(String text) implements ToolOutcome {}

    /** The policy gate (or the treasury's policy) said no; nothing happened. */
    record Refused(String reason) implements ToolOutcome {
        @Override
        public String text() {
            return "refused: " + reason;
        }
    }

    /** The call was malformed (unknown tool, bad arguments) and was never executed. */
    record Invalid(String error) implements ToolOutcome {
        @Override
        public String text() {
            return "invalid call, not executed: " + error;
        }
    }

    /** The tool ran and failed without moving money. */
    record Failed(String error) implements ToolOutcome {
        @Override
        public String text() {
            return "failed: " + error;
        }
    }
}
