package dev.cyberia.agentcore;

/** Builds a {@link LoadedAgent} from its record: the layer above wires the planner and the skills. */
@FunctionalInterface
public interface AgentAssembler {
    /** @throws InvalidAgentInputException when the definition cannot be loaded (e.g. an unknown skill class) */
    LoadedAgent assemble(AgentRecord record, AgentDefinition definition);

    /**
     * Creates a child automaton of {@code parent}: a new key, a definition derived from the
     * parent's, the lineage, state CREATED. Called again for the same child, returns it.
     *
     * @throws InvalidAgentInputException when this assembler cannot spawn, or the name is taken
     */
    default AgentRecord spawn(AgentRecord parent, String childName) {
        throw new InvalidAgentInputException("this runtime cannot spawn agents");
    }
}
