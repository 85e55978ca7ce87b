package dev.cyberia.agentcore;

/** The autonomy ladder, lowest first. A tool names the lowest tier that may use it. */
public enum Tier {
    /** Tight limits; pays only allowlisted payees. */
    AUTOMATON,
    /** Wider limits; buys and sells services. */
    AGENT,
    /** Holds and moves its tokens, mines, spawns children. */
    OWNER;

    public boolean atLeast(Tier other) {
        return compareTo(other) >= 0;
    }
}
