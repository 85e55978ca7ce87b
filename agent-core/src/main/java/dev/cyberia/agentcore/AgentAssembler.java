package dev.cyberia.agentcore;

/** Builds a {@link LoadedAgent} from its record: the layer above wires the planner and the skills. */
@FunctionalInterface
public interface AgentAssembler {
    /** @throws InvalidAgentInputException when the definition cannot be loaded (e.g. an unknown skill class) */
    LoadedAgent assemble(AgentRecord record, AgentDefinition definition);
}
