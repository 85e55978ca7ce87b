package dev.cyberia.agentcore;

/** Where an agent is in its life. Only RUNNING agents are ticked by a node. */
public enum AgentState {
    CREATED,
    RUNNING,
    PAUSED,
    HIBERNATING,
    STOPPED
}
