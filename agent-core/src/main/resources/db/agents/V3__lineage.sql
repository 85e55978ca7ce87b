-- A child automaton records the agent that spawned and funded it.
ALTER TABLE agents ADD COLUMN parent VARCHAR(64);
