-- Money events only, so the budgets and the burn sum a handful of rows, not every tick's events.
CREATE TABLE agent_flows (
    agent        VARCHAR(64) NOT NULL,
    seq          BIGINT      NOT NULL,
    at           TIMESTAMP WITH TIME ZONE NOT NULL,
    spent_units  DECIMAL(78, 0) NOT NULL,
    earned_units DECIMAL(78, 0) NOT NULL,
    PRIMARY KEY (agent, seq)
);
CREATE INDEX agent_flows_time ON agent_flows (agent, at);
INSERT INTO agent_flows (agent, seq, at, spent_units, earned_units)
    SELECT agent, seq, at, COALESCE(spent_units, 0), COALESCE(earned_units, 0) FROM agent_events
    WHERE spent_units IS NOT NULL OR earned_units IS NOT NULL;

-- The head of each agent's hash chain: one row read (and locked) per append, however long the chain.
CREATE TABLE agent_chain_heads (
    agent VARCHAR(64) PRIMARY KEY,
    seq   BIGINT      NOT NULL,
    hash  VARCHAR(64) NOT NULL
);
INSERT INTO agent_chain_heads (agent, seq, hash)
    SELECT e.agent, e.seq, e.hash FROM agent_events e
    WHERE e.seq = (SELECT MAX(x.seq) FROM agent_events x WHERE x.agent = e.agent);
