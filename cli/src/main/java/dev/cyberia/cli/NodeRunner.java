package dev.cyberia.cli;

import dev.cyberia.agentcore.Ladder;
import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.keystore.Passphrase;

/** Starts a runtime node for a command: the assembly over the chain and the keys' passphrase, then the node. */
final class NodeRunner {
    private NodeRunner() {}

    record Running(
            RuntimeNode node, AgentAssembly assembly, java.util.Optional<dev.cyberia.dashboard.Dashboard> dashboard)
            implements AutoCloseable {
        @Override
        public void close() {
            dashboard.ifPresent(dev.cyberia.dashboard.Dashboard::close);
            node.close();
            assembly.close();
        }

        /** Says where the dashboard is: the URL on stderr, with its token on the terminal only (never in a log). */
        void announceDashboard(Subcommand command) {
            dashboard.ifPresent(d -> {
                command.err()
                        .println("dashboard at " + d.uri() + " (approving needs the token in "
                                + "dashboard.token in the home)");
                command.err().flush();
                if (command.environment().terminal().isInteractive()) {
                    command.environment()
                            .terminal()
                            .show("open " + d.uri() + "#token=" + d.token() + " to approve and deny");
                }
            });
        }
    }

    static Running start(
            Subcommand command,
            AgentHome agents,
            ChainOptions.Resolved chain,
            Passphrase passphrase,
            Ladder ladder,
            RuntimeNode.Config config) {
        return start(command, agents, chain, passphrase, ladder, config, -1);
    }

    /**
     * Takes over {@code passphrase}: the assembly holds it to unlock agents' keys, and wipes it on close.
     *
     * @param dashboardPort where the dashboard listens on 127.0.0.1 (0: any free port), or -1 for none
     */
    static Running start(
            Subcommand command,
            AgentHome agents,
            ChainOptions.Resolved chain,
            Passphrase passphrase,
            Ladder ladder,
            RuntimeNode.Config config,
            int dashboardPort) {
        AgentAssembly assembly = new AgentAssembly(
                agents.home,
                agents.db,
                agents.store,
                chain.chain(),
                chain.token(),
                chain.market(),
                chain.trust(),
                command.keystore(),
                passphrase,
                command.environment().clock(),
                chain::domain);
        RuntimeNode node;
        try {
            node = RuntimeNode.start(
                    config,
                    agents.store,
                    agents.events,
                    assembly,
                    ladder,
                    command.environment().clock());
        } catch (RuntimeException e) {
            assembly.close();
            throw e;
        }
        try {
            java.util.Optional<dev.cyberia.dashboard.Dashboard> dashboard = dashboardPort < 0
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(dev.cyberia.dashboard.Dashboard.start(
                            new dev.cyberia.dashboard.Dashboard.Config(dashboardPort, agents.home),
                            new dev.cyberia.dashboard.Dashboard.Node(
                                    agents.store,
                                    agents.events,
                                    node.runtime(),
                                    agents.db,
                                    chain.market(),
                                    command.environment().clock())));
            return new Running(node, assembly, dashboard);
        } catch (RuntimeException e) {
            node.close();
            assembly.close();
            throw e;
        }
    }
}
