package dev.cyberia.cli;

import dev.cyberia.agentcore.Ladder;
import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.keystore.Passphrase;

/** Starts a runtime node for a command: the assembly over the chain and the keys' passphrase, then the node. */
final class NodeRunner {
    private NodeRunner() {}

    record Running(RuntimeNode node, AgentAssembly assembly) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
            assembly.close();
        }
    }

    /** Takes over {@code passphrase}: the assembly holds it to unlock agents' keys, and wipes it on close. */
    static Running start(
            Subcommand command,
            AgentHome agents,
            ChainOptions.Resolved chain,
            Passphrase passphrase,
            Ladder ladder,
            RuntimeNode.Config config) {
        AgentAssembly assembly = new AgentAssembly(
                agents.home,
                agents.db,
                agents.store,
                chain.chain(),
                chain.token(),
                chain.market(),
                command.keystore(),
                passphrase,
                command.environment().clock());
        try {
            return new Running(
                    RuntimeNode.start(
                            config,
                            agents.store,
                            agents.events,
                            assembly,
                            ladder,
                            command.environment().clock()),
                    assembly);
        } catch (RuntimeException e) {
            assembly.close();
            throw e;
        }
    }
}
