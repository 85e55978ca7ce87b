-- Per-goal profit and loss: money events carry the goal that caused them; stopped goals are kept.
ALTER TABLE agent_flows ADD COLUMN goal VARCHAR(400);
CREATE TABLE agent_goals_stopped (
    agent  VARCHAR(64)  NOT NULL,
    goal   VARCHAR(400) NOT NULL,
    at     TIMESTAMP WITH TIME ZONE NOT NULL,
    reason VARCHAR(1000) NOT NULL,
    PRIMARY KEY (agent, goal)
);
