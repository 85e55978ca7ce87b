-- Whether a node takes any RUNNING agent (node start) or only its own (a foreground agent launch):
-- nodes split the agents between those that take any.
ALTER TABLE nodes ADD COLUMN takes_any BOOLEAN DEFAULT TRUE NOT NULL;
