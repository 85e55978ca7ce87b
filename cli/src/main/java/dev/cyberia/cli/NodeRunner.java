package dev.cyberia.cli;

import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.keystore.Passphrase;
import java.nio.file.Path;

/** Starts a runtime node for a command: the chain, the key passphrase, the assembly, Quartz. */
final class NodeRunner {
    private NodeRunner() {}

    record Running(RuntimeNode node, AgentAssembly assembly) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
            assembly.close();
        }
    }

    static Running start(
            Subcommand command,
            AgentHome agents,
            ChainOptions chainOptions,
            Path passphraseFile,
            RuntimeNode.Config config) {
        ChainOptions.Resolved chain = chainOptions.resolve(command.environment(), agents.home);
        Passphrase passphrase =
                Passphrases.existing(passphraseFile, command.environment(), "Passphrase for the agents' keys: ");
        AgentAssembly assembly = new AgentAssembly(
                agents.home,
                agents.db,
                chain.chain(),
                chain.token(),
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
                            command.environment().clock()),
                    assembly);
        } catch (RuntimeException e) {
            assembly.close();
            throw e;
        }
    }
}
