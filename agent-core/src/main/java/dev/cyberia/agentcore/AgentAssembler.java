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

    /**
     * Serves {@code mines} for the agent: a miner paid into its treasury, its receipts signed with
     * its key, each sale told to {@code sold}. Empty when this runtime serves no models.
     *
     * @throws InvalidAgentInputException when the model cannot be opened
     */
    default java.util.Optional<AgentMiner> startMining(
            AgentRecord record, LoadedAgent agent, AgentDefinition.Mines mines, AgentMiner.Sales sold) {
        return java.util.Optional.empty();
    }

    /**
     * The wallet of the key named {@code keyName} on this node (an owner paying an allowance), or
     * empty when there is no such key here.
     */
    default java.util.Optional<Wallet> wallet(String keyName) {
        return java.util.Optional.empty();
    }

    /** A wallet this node may pay from: its treasury and its key. */
    record Wallet(dev.cyberia.treasury.Treasury treasury, dev.cyberia.keystore.Signer signer) {}
}
