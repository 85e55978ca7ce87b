-- Follow-up ticks an agent asked for (the schedule skill): kept here until the tick they wake runs,
-- so a node that restarts, or takes the agent over from a dead node, still runs them. Heartbeats
-- need no rows: the next one follows from the agent's last tick, its definition and its mode.
CREATE TABLE agent_wakeups (
    id VARCHAR(64) PRIMARY KEY,
    agent VARCHAR(64) NOT NULL,
    due_at TIMESTAMP NOT NULL,
    reason VARCHAR(2000)
);
CREATE INDEX agent_wakeups_agent ON agent_wakeups (agent, due_at);
