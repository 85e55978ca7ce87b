package dev.cyberia.agentcore;

/** What calling a tool does outside the agent; the policy gate looks at anything above NONE. */
public enum SideEffect {
    /** Reads only (a balance, a note). */
    NONE,
    /** Reaches outside (HTTP, scheduling, buying inference). */
    EXTERNAL,
    /** Signs or sends money. */
    MOVES_MONEY
}
