package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.RuntimeNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = "The runtime node that hosts all RUNNING agents.",
        subcommands = {NodeCommand.Start.class, NodeCommand.Stop.class, NodeCommand.Status.class})
final class NodeCommand extends CommandGroup {
    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Host every RUNNING agent here, streaming their actions, until Ctrl-C or 'node stop'.")
    static final class Start extends Subcommand {
        @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The agents' key passphrase.")
        Path passphraseFile;

        @Option(
                names = "--shop-port",
                defaultValue = "8403",
                paramLabel = "N",
                description =
                        "Sell the agents' skills over x402 on 127.0.0.1:N (default ${DEFAULT-VALUE}; -1: no shop).")
        int shopPort;

        @Option(
                names = "--dashboard-port",
                defaultValue = "8480",
                paramLabel = "N",
                description = "Serve the dashboard and /metrics on 127.0.0.1:N (default ${DEFAULT-VALUE}; 0: any"
                        + " free port; -1: none).")
        int dashboardPort;

        @Option(
                names = "--shop-bind",
                defaultValue = "127.0.0.1",
                paramLabel = "HOST",
                description = "The interface the shop listens on (default ${DEFAULT-VALUE}); another machine's"
                        + " nodes and buyers need one they can reach.")
        String shopBind;

        @Option(
                names = "--shop-url",
                paramLabel = "URL",
                description = "The URL others reach this node's shop at (in its offers, and where other nodes"
                        + " send buyers); default http://HOST:PORT of --shop-bind and --shop-port.")
        java.net.URI shopUrl;

        @Option(
                names = "--hosting-fee",
                paramLabel = "AMOUNT/PERIOD",
                description = "Charge each agent hosted here this much per period (e.g. 0.01/h, 0.5/1d), paid from its"
                        + " treasury to --hosting-to once per period, booked expenses:hosting; an agent that cannot"
                        + " pay hibernates until it can.")
        String hostingFee;

        @Option(
                names = "--hosting-to",
                paramLabel = "ADDRESS|KEY",
                description = "Who the hosting fee is paid to: an address, or the name of a key in the keystore.")
        String hostingTo;

        @Mixin
        ChainOptions chainOptions;

        @Mixin
        LadderOption ladderOption;

        @Mixin
        FacilitatorOption facilitatorOption;

        /** The hosting fee the options ask for, checked before anything starts. */
        private java.util.Optional<dev.cyberia.agentcore.HostingFee> hostingFee() {
            if (hostingFee == null && hostingTo == null) {
                return java.util.Optional.empty();
            }
            if (hostingFee == null || hostingTo == null) {
                throw new CliInputException("--hosting-fee AMOUNT/PERIOD and --hosting-to ADDRESS|KEY go together");
            }
            dev.cyberia.keystore.Address operator;
            try {
                operator = hostingTo.startsWith("0x")
                        ? dev.cyberia.keystore.Address.parse(hostingTo)
                        : keystore().info(hostingTo).address();
            } catch (RuntimeException e) {
                throw new CliInputException(
                        "--hosting-to '" + hostingTo + "' is neither an address nor a key here: " + e.getMessage());
            }
            try {
                return java.util.Optional.of(dev.cyberia.agentcore.HostingFee.parse(hostingFee, operator));
            } catch (IllegalArgumentException e) {
                throw new CliInputException("--hosting-fee: " + e.getMessage());
            }
        }

        /** The node's configuration with its shop where the options say. */
        private RuntimeNode.Config shared() {
            if (shopPort < 0) {
                return RuntimeNode.Config.shared(java.util.Optional.empty());
            }
            if (shopUrl != null
                    && (!java.util.Set.of("http", "https").contains(String.valueOf(shopUrl.getScheme()))
                            || shopUrl.getHost() == null)) {
                throw new CliInputException("--shop-url is an http(s)://HOST[:PORT] URL, not '" + shopUrl + "'");
            }
            return RuntimeNode.Config.shared(java.util.Optional.of(new dev.cyberia.agentcore.SkillShop.Address(
                    shopBind, shopPort, java.util.Optional.ofNullable(shopUrl))));
        }

        @Override
        public Integer call() throws InterruptedException {
            dev.cyberia.agentcore.Ladder ladder = ladderOption.resolve(root().home());
            RuntimeNode.Config shop = shared(); // bad shop and fee options are refused before anything starts
            RuntimeNode.Config config = hostingFee().map(shop::withHostingFee).orElse(shop);
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                agents.events.addListener(new ConsoleEvents(out(), json()));
                ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
                dev.cyberia.keystore.Passphrase passphrase =
                        Passphrases.existing(passphraseFile, environment(), "Passphrase for the agents' keys: ");
                try (ShutdownSignal ctrlC = new ShutdownSignal();
                        NodeRunner.Running running = NodeRunner.start(
                                this,
                                agents,
                                chain,
                                passphrase,
                                ladder,
                                facilitatorOption
                                        .resolve(chain)
                                        .map(config::settledBy)
                                        .orElse(config),
                                dashboardPort)) {
                    if (!json()) {
                        err().println("node " + running.node().id() + " hosting "
                                + running.node().hosted()
                                + config.hostingFee().map(f -> " for " + f).orElse("")
                                + running.node()
                                        .shop()
                                        .map(u -> ", selling skills at " + u)
                                        .orElse("")
                                + "; Ctrl-C or 'cyberia node stop' stops it");
                        err().flush();
                        running.announceDashboard(this);
                    }
                    while (!ctrlC.await(Duration.ofMillis(500))) {
                        if (running.node().awaitStop(Duration.ZERO)) {
                            break; // 'node stop' from another terminal
                        }
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Ask every running node to stop, and wait.")
    static final class Stop extends Subcommand {
        @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait (default ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                Instant now = environment().clock().instant();
                List<AgentStore.NodeRecord> live = agents.store.nodes().stream()
                        .filter(n -> n.isAlive(now, AgentCommand.LEASE))
                        .toList();
                if (live.isEmpty()) {
                    throw new CliInputException("no node is running");
                }
                live.forEach(n -> agents.store.requestStop(n.id()));
                long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
                while (System.nanoTime() < deadline
                        && anyStillRunning(agents, live, environment().clock())) {
                    Thread.sleep(250);
                }
                boolean gone = !anyStillRunning(agents, live, environment().clock());
                ObjectNode json = Json.object();
                json.put("stopped", gone);
                print(json, gone ? "stopped " + live.size() + " node(s)" : "asked to stop; still finishing a tick");
                return gone ? 0 : 1;
            }
        }
    }

    /** Whether one of {@code asked} still checks in: a node that stopped removes its row, a killed one goes quiet. */
    private static boolean anyStillRunning(AgentHome agents, List<AgentStore.NodeRecord> asked, java.time.Clock clock) {
        Instant now = clock.instant();
        return agents.store.nodes().stream()
                .anyMatch(n ->
                        n.isAlive(now, AgentCommand.LEASE) && asked.stream().anyMatch(l -> l.id().equals(n.id())));
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The nodes on this home's database.")
    static final class Status extends Subcommand {
        @Override
        public Integer call() {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                Instant now = environment().clock().instant();
                ArrayNode array = Json.array();
                StringBuilder text = new StringBuilder();
                List<dev.cyberia.agentcore.AgentRecord> all = agents.store.all();
                for (AgentStore.NodeRecord n : agents.store.nodes()) {
                    boolean alive = n.isAlive(now, AgentCommand.LEASE);
                    List<String> names = all.stream()
                            .filter(a -> a.isHeld(now, AgentCommand.LEASE)
                                    && a.host().orElse("").equals(n.id()))
                            .map(dev.cyberia.agentcore.AgentRecord::name)
                            .sorted()
                            .toList();
                    long hosted = names.size();
                    ObjectNode o = array.addObject();
                    o.put("id", n.id());
                    o.put("pid", n.pid());
                    o.put("startedAt", n.startedAt().toString());
                    o.put("seenAt", n.seenAt().toString());
                    o.put("alive", alive);
                    o.put("agents", hosted);
                    names.forEach(o.putArray("agentNames")::add);
                    n.shopUrl().ifPresent(url -> o.put("shopUrl", url));
                    text.append(n.id())
                            .append("  ")
                            .append(alive ? "running" : "not seen since " + n.seenAt())
                            .append(", ")
                            .append(hosted)
                            .append(" agents")
                            .append(names.isEmpty() ? "" : " (" + String.join(", ", names) + ")")
                            .append(", started ")
                            .append(n.startedAt())
                            .append(System.lineSeparator());
                }
                ObjectNode doc = Json.object();
                doc.set("nodes", array);
                doc.put("running", array.size() > 0);
                print(
                        doc,
                        text.isEmpty()
                                ? "no node is running; start one with 'cyberia node start'"
                                : text.toString().strip());
                return 0;
            }
        }
    }
}
