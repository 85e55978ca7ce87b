package dev.cyberia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.keystore.KeyInfo;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "Create, launch, watch and stop agents.",
        subcommands = {
            AgentCommand.New.class,
            AgentCommand.Launch.class,
            AgentCommand.ListAgents.class,
            AgentCommand.Status.class,
            AgentCommand.Stop.class,
            AgentCommand.ResumeGoal.class,
            AgentCommand.Logs.class
        })
final class AgentCommand extends CommandGroup {
    static final Duration LEASE = Duration.ofSeconds(15);

    @Command(
            name = "new",
            mixinStandardHelpOptions = true,
            description = "Create an agent: its key (or an existing one), its definition and its folder.")
    static final class New extends Subcommand {
        @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits and dashes.")
        String name;

        @Option(
                names = "--from",
                paramLabel = "TEMPLATE",
                defaultValue = "routine",
                description = "'routine', 'planner', 'demo', an example agent ('scribe', 'customer'), or a YAML"
                        + " file to copy (default: ${DEFAULT-VALUE}).")
        String from;

        static final java.util.Set<String> EXAMPLES = java.util.Set.of("scribe", "customer");

        @Option(names = "--key", paramLabel = "KEY", description = "Use this existing key instead of making one.")
        String key;

        @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The key's passphrase.")
        Path passphraseFile;

        @Mixin
        KdfOption kdfOption;

        @Override
        public Integer call() throws IOException {
            AgentStore.requireValidName(name);
            String yaml = template(from);
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                KeyInfo keyInfo;
                if (key != null) {
                    keyInfo = create(agents, keystore(), name, yaml, "--from " + from, key, null, null, environment());
                } else {
                    checkNew(agents, keystore(), name, yaml, "--from " + from); // before asking for a passphrase
                    keystore().requireNewName(name);
                    try (Passphrase passphrase = Passphrases.forNewKey(
                            passphraseFile, environment(), "Passphrase for agent '" + name + "': ")) {
                        keyInfo = create(
                                agents,
                                keystore(),
                                name,
                                yaml,
                                "--from " + from,
                                null,
                                passphrase,
                                kdfOption.kdf(),
                                environment());
                    }
                }
                String keyName = key == null ? name : key;
                Path file = agents.agentDir(name).resolve("agent.yaml");
                ObjectNode json = Json.object();
                json.put("name", name);
                json.put("address", keyInfo.address().toString());
                json.put("key", keyName);
                json.put("definition", file.toString());
                print(
                        json,
                        "Created agent '" + name + "' at " + keyInfo.address() + System.lineSeparator()
                                + "  definition: " + file + System.lineSeparator()
                                + "  key:        " + keyName
                                + (key == null
                                        ? " (new; its encrypted keystore file is the only copy: back it up)"
                                        : "")
                                + System.lineSeparator()
                                + "Fund it with 'cyberia devnet fund " + keyInfo.address()
                                + "', then 'cyberia agent launch " + name + "'.");
            }
            return 0;
        }

        /** Checks everything about a new agent that can be wrong before anything is written. */
        static AgentDefinition checkNew(AgentHome agents, Keystore keystore, String name, String yaml, String source) {
            AgentStore.requireValidName(name);
            AgentDefinition definition = AgentDefinitions.parse(yaml, source);
            Skills.load(definition.skills(), Skills.loaderFor(agents.home.resolve("skills"))); // names the unknown
            if (agents.store.find(name).isPresent()) {
                throw new CliInputException("an agent named '" + name + "' already exists");
            }
            Path file = agents.agentDir(name).resolve("agent.yaml");
            if (Files.exists(file)) {
                throw new CliInputException(file + " exists already; it is never overwritten");
            }
            return definition;
        }

        /**
         * Makes an agent: its key (a new one under {@code passphrase}, or {@code existingKey}), its
         * definition written atomically, and its row. Bad input is refused before anything is written.
         */
        static KeyInfo create(
                AgentHome agents,
                Keystore keystore,
                String name,
                String yaml,
                String source,
                String existingKey,
                Passphrase passphrase,
                dev.cyberia.keystore.Kdf kdf,
                Environment environment)
                throws IOException {
            AgentDefinition definition = checkNew(agents, keystore, name, yaml, source);
            KeyInfo keyInfo;
            if (existingKey != null) {
                keyInfo = keystore.info(existingKey);
            } else {
                keyInfo = keystore.generate(name, passphrase, kdf);
            }
            Path dir = agents.agentDir(name);
            Path file = dir.resolve("agent.yaml");
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".agent", ".yaml");
            try {
                Files.writeString(temp, yaml, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            agents.store.create(
                    name,
                    keyInfo.address(),
                    existingKey == null ? name : existingKey,
                    file,
                    definition.tier(),
                    environment.clock().instant());
            return keyInfo;
        }

        /** The YAML of a template, an example agent, or a file. */
        static String template(String from) throws IOException {
            if (from.equals("routine") || from.equals("planner") || from.equals("demo")) {
                try (InputStream in = AgentCommand.class.getResourceAsStream("templates/" + from + ".yaml")) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replace(
                                    "${TINY_MODEL}",
                                    Path.of("models", "tiny-chat")
                                            .toAbsolutePath()
                                            .toString());
                }
            }
            if (EXAMPLES.contains(from)) { // the example agents of the agents module
                try (InputStream in =
                        AgentCommand.class.getResourceAsStream("/dev/cyberia/agents/" + from + "/agent.yaml")) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replace(
                                    "${TINY_MODEL}",
                                    Path.of("models", "tiny-chat")
                                            .toAbsolutePath()
                                            .toString());
                }
            }
            Path file = Path.of(from);
            if (!Files.isRegularFile(file)) {
                throw new CliInputException("--from '" + from + "' is neither a template (routine, planner, demo),"
                        + " an example agent (scribe, customer), nor a YAML file");
            }
            return Files.readString(file);
        }
    }

    @Command(
            name = "launch",
            mixinStandardHelpOptions = true,
            description = {
                "Run an agent: in the foreground with its log streaming (Ctrl-C stops it),",
                "or with --detach handed to the node ('cyberia node start')."
            })
    static final class Launch extends Subcommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--detach", description = "Mark it RUNNING for the node to host, and return.")
        boolean detach;

        @Option(
                names = "--shop-port",
                defaultValue = "-1",
                paramLabel = "N",
                description = "In the foreground: sell its skills over x402 on 127.0.0.1:N (default: no shop).")
        int shopPort;

        @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The agent key's passphrase.")
        Path passphraseFile;

        @Mixin
        ChainOptions chainOptions;

        @Mixin
        LadderOption ladderOption;

        @Mixin
        FacilitatorOption facilitatorOption;

        @Override
        public Integer call() throws InterruptedException {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                AgentRecord agent = agents.store.get(name);
                // a broken definition or an unknown skill fails here, not later in a node
                AgentDefinition definition = AgentDefinitions.read(agent.definitionPath());
                Skills.load(definition.skills(), Skills.loaderFor(root().home().resolve("skills")));
                if (definition.mines().isPresent() && agent.tier() != dev.cyberia.agentcore.Tier.OWNER && !json()) {
                    err().println("note: mining is an OWNER's right: '" + name + "' is " + agent.tier()
                            + ", so its node serves its model only once the ladder promotes it to OWNER");
                }
                Instant now = environment().clock().instant();
                boolean nodeAlive =
                        agents.store.nodes().stream().anyMatch(n -> n.isAlive(now, LEASE) && !n.stopRequested());
                if (agent.isHeld(now, LEASE) || (agent.state() == AgentState.RUNNING && nodeAlive)) {
                    throw new CliInputException("agent '" + name + "' is already running"
                            + agent.host().map(h -> " on node " + h).orElse("")
                            + "; stop it first with 'cyberia agent stop " + name + "'");
                }
                if (detach) {
                    agents.changeState(name, AgentState.RUNNING, "launch --detach");
                    ObjectNode json = Json.object();
                    json.put("name", name);
                    json.put("state", "RUNNING");
                    json.put("nodeRunning", nodeAlive);
                    print(
                            json,
                            "agent '" + name + "' is RUNNING"
                                    + (nodeAlive
                                            ? "; the node picks it up within seconds"
                                            : "; no node is running yet: start one with 'cyberia node start'"));
                    return 0;
                }
                return foreground(agents, agent);
            }
        }

        private int foreground(AgentHome agents, AgentRecord agent) throws InterruptedException {
            ConsoleEvents console = new ConsoleEvents(out(), json());
            agents.events.addListener(e -> {
                if (e.agent().equals(name)) {
                    console.onEvent(e);
                }
            });
            // everything that can fail on input fails before the agent is marked RUNNING
            ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
            Passphrase passphrase =
                    Passphrases.existing(passphraseFile, environment(), "Passphrase for '" + agent.keyName() + "': ");
            try (Signer check = keystore().unlock(agent.keyName(), passphrase)) {
                // a wrong passphrase is refused here, not at the first payment
            } catch (RuntimeException e) {
                passphrase.close();
                throw e;
            }
            agents.changeState(name, AgentState.RUNNING, "launch");
            try (ShutdownSignal ctrlC = new ShutdownSignal()) {
                try (NodeRunner.Running running = NodeRunner.start(
                        this,
                        agents,
                        chain,
                        passphrase,
                        ladderOption.resolve(root().home()),
                        facilitatorOption
                                .resolve(chain)
                                .map(RuntimeNode.Config.foreground(name, shopPort)::settledBy)
                                .orElse(RuntimeNode.Config.foreground(name, shopPort)))) {
                    if (!json()) {
                        err().println("agent '" + name + "' running in the foreground; Ctrl-C stops it");
                        err().flush();
                    }
                    while (!ctrlC.await(Duration.ofSeconds(1))) {
                        if (agents.store.get(name).state() != AgentState.RUNNING) {
                            break; // stopped from another terminal
                        }
                    }
                } finally {
                    if (agents.store.get(name).state() == AgentState.RUNNING) {
                        agents.changeState(name, AgentState.STOPPED, "Ctrl-C");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List agents with their state.")
    static final class ListAgents extends Subcommand {
        @Override
        public Integer call() {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                List<AgentRecord> all = agents.store.all();
                Instant now = environment().clock().instant();
                ArrayNode array = Json.array();
                StringBuilder text = new StringBuilder(
                        all.isEmpty()
                                ? "no agents; create one with 'cyberia agent new NAME'"
                                : String.format(
                                        "%-20s %-9s %-9s %-9s %-42s %s",
                                        "NAME", "STATE", "TIER", "MODE", "ADDRESS", "HOST"));
                for (AgentRecord a : all) {
                    ObjectNode o = array.addObject();
                    o.put("name", a.name());
                    o.put("state", a.state().name());
                    o.put("tier", a.tier().name());
                    o.put("mode", a.mode().name());
                    o.put("address", a.address().toString());
                    o.put("host", a.isHeld(now, LEASE) ? a.host().orElse(null) : null);
                    o.put("ticks", a.tickSeq());
                    text.append(System.lineSeparator())
                            .append(String.format(
                                    "%-20s %-9s %-9s %-9s %-42s %s",
                                    a.name(),
                                    a.state(),
                                    a.tier(),
                                    a.mode(),
                                    a.address(),
                                    a.isHeld(now, LEASE) ? a.host().orElse("-") : "-"));
                }
                ObjectNode doc = Json.object();
                doc.set("agents", array);
                print(doc, text.toString());
            }
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Tier, mode, state, balances, burn, runway, income and spend today, last actions.")
    static final class Status extends Subcommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--actions", defaultValue = "10", description = "How many last actions (default 10).")
        int actions;

        @Mixin
        ChainOptions chainOptions;

        @Mixin
        LadderOption ladderOption;

        @Override
        public Integer call() {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                AgentRecord a = agents.store.get(name);
                Instant now = environment().clock().instant();
                ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
                Asset token = chain.token();
                // what the agent holds: its wallet, and its x402 channels' deposits not yet charged
                Amount balance = chain.treasury(
                                agents.db, a.address(), environment().clock())
                        .holdings(token);
                Amount wallet = chain.chain().balanceOf(token, a.address());
                Amount inChannels = balance.minusOrZero(wallet);
                Amount ether = chain.chain().balanceOf(Asset.ether(), a.address());
                Amount burn = Amount.ofBaseUnits(token, agents.events.spentSince(name, now.minus(Duration.ofDays(1))));
                Instant midnight = now.atZone(ZoneOffset.UTC)
                        .toLocalDate()
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
                Amount spentToday = Amount.ofBaseUnits(token, agents.events.spentSince(name, midnight));
                Amount earnedToday = Amount.ofBaseUnits(token, agents.events.salesIncomeSince(name, midnight));
                Amount receivedToday = Amount.ofBaseUnits(token, agents.events.earnedSince(name, midnight))
                        .minusOrZero(earnedToday);
                dev.cyberia.agentcore.Runway runwayDays = dev.cyberia.agentcore.Runway.of(balance, burn);
                String runway = runwayDays.days().isEmpty() ? "unlimited (no spending in 24 h)" : runwayDays.toString();
                List<String> last = agents.events.last(name, Math.max(0, actions));
                dev.cyberia.agentcore.Ladder ladder = ladderOption.resolve(root().home());
                java.util.Optional<dev.cyberia.agentcore.Ladder.Progress> progress = ladder.progressFrom(
                        a.tier(),
                        dev.cyberia.agentcore.AgentRuntime.figures(
                                agents.events, a, balance, ladder.windowAbove(a.tier()), now));
                ObjectNode doc = Json.object();
                doc.put("name", a.name());
                doc.put("address", a.address().toString());
                doc.put("tier", a.tier().name());
                doc.put("mode", a.mode().name());
                doc.put("state", a.state().name());
                doc.put("host", a.isHeld(now, LEASE) ? a.host().orElse(null) : null);
                doc.put("ticks", a.tickSeq());
                doc.put("balance", balance.toString());
                doc.put("walletBalance", wallet.toString());
                doc.put("inChannels", inChannels.toString());
                doc.put("etherBalance", ether.toString());
                doc.put("burnPerDay", burn.toString());
                doc.put("runway", runway);
                doc.put("earnedToday", earnedToday.toString());
                doc.put("receivedToday", receivedToday.toString());
                doc.put("spentToday", spentToday.toString());
                java.util.Optional<Long> brokenAt = agents.events.verify(name); // walks the whole chain: once
                doc.put("chainIntact", brokenAt.isEmpty());
                // its ERC-8004 identity and what its clients said of it
                java.util.Optional<dev.cyberia.treasury.TrustRegistries.Identity> identity =
                        chain.trust().flatMap(t -> t.agentOf(a.address()));
                java.util.Optional<dev.cyberia.treasury.TrustRegistries.Reputation> reputation =
                        identity.flatMap(i -> chain.trust().map(t -> t.reputation(i.agentId())));
                java.util.Optional<dev.cyberia.treasury.TrustRegistries.Validated> validated =
                        identity.flatMap(i -> chain.trust().map(t -> t.validations(i.agentId(), "")));
                validated
                        .filter(v -> v.count() > 0)
                        .ifPresent(v -> doc.putObject("validations")
                                .put("answered", v.count())
                                .put("average", v.average()));
                identity.ifPresent(i -> {
                    ObjectNode id = doc.putObject("identity");
                    id.put("agentId", i.agentId());
                    id.put("agentRegistry", chain.trust().get().agentRegistry());
                    id.put("agentURI", i.agentURI());
                });
                reputation.ifPresent(r -> {
                    ObjectNode rep = doc.putObject("reputation");
                    rep.put("ratings", r.count());
                    rep.put("average", r.average().stripTrailingZeros().toPlainString());
                    rep.put("clients", r.clients());
                });
                progress.ifPresent(p -> {
                    ObjectNode next = doc.putObject("nextTier");
                    next.put("tier", p.toward().name());
                    next.put("ready", p.ready());
                    p.conditions().forEach(next.putArray("conditions")::add);
                });
                ArrayNode lastActions = doc.putArray("lastActions");
                StringBuilder text = new StringBuilder();
                text.append(a.name()).append("  ").append(a.address()).append(System.lineSeparator());
                text.append("  state ")
                        .append(a.state())
                        .append(", tier ")
                        .append(a.tier())
                        .append(", mode ")
                        .append(a.mode())
                        .append(", ")
                        .append(a.tickSeq())
                        .append(" ticks")
                        .append(a.isHeld(now, LEASE) ? ", on node " + a.host().orElse("") : "")
                        .append(System.lineSeparator());
                text.append("  balance ")
                        .append(balance)
                        .append(
                                inChannels.isZero()
                                        ? ""
                                        : " (" + wallet + " in the wallet, " + inChannels + " in x402 channels)")
                        .append(", ")
                        .append(ether)
                        .append(System.lineSeparator());
                text.append("  burn ")
                        .append(burn)
                        .append("/day, runway ")
                        .append(runway)
                        .append(System.lineSeparator());
                identity.ifPresent(i -> text.append("  ERC-8004 agent #")
                        .append(i.agentId())
                        .append(", reputation ")
                        .append(reputation.map(Object::toString).orElse("unrated"))
                        .append(validated
                                .map(dev.cyberia.treasury.TrustRegistries.Validated::described)
                                .orElse(""))
                        .append(System.lineSeparator()));
                text.append("  today: earned ")
                        .append(earnedToday)
                        .append(" selling skills, received ")
                        .append(receivedToday)
                        .append(", spent ")
                        .append(spentToday)
                        .append(System.lineSeparator());
                dev.cyberia.agentcore.Books books = dev.cyberia.agentcore.Books.of(
                        chain.treasury(agents.db, a.address(), environment().clock()), token);
                java.math.BigDecimal ethPrice = BooksReport.ethPrice(environment());
                ObjectNode booksJson = doc.putObject("books");
                booksJson.put("income", books.income().toString());
                booksJson.put("sales", books.sales());
                booksJson.put("refunds", books.refunds().toString());
                booksJson.put("inference", books.inference().toString());
                booksJson.put("services", books.services().toString());
                booksJson.put("mined", books.mined().toString());
                booksJson.put("answersSold", books.answersSold());
                booksJson.put("allowance", books.allowance().toString());
                booksJson.put("hosting", books.hosting().toString());
                booksJson.put("gas", books.gas().toString());
                booksJson.put("gasValuedAt", ethPrice.toPlainString() + " " + token.symbol() + "/ETH");
                booksJson.put("net", books.net(ethPrice));
                text.append("  books: ").append(books.text(ethPrice)).append(System.lineSeparator());
                java.util.Set<String> stoppedGoals = agents.store.stoppedGoals(name);
                ArrayNode goals = doc.putArray("goals");
                for (var g : dev.cyberia.agentcore.AgentDefinitions.read(a.definitionPath())
                        .goals()) {
                    java.math.BigInteger goalNet = agents.events.goalNet(name, g.text());
                    String signed = (goalNet.signum() < 0 ? "-" : "+")
                            + Amount.ofBaseUnits(token, goalNet.abs()).units();
                    ObjectNode o = goals.addObject();
                    o.put("goal", g.text());
                    o.put("net", signed);
                    o.put(
                            "stopLoss",
                            g.stopLoss()
                                    .map(java.math.BigDecimal::toPlainString)
                                    .orElse(null));
                    o.put("stopped", stoppedGoals.contains(g.text()));
                    text.append("  goal '")
                            .append(g.text())
                            .append("': ")
                            .append(signed)
                            .append(' ')
                            .append(token.symbol())
                            .append(g.stopLoss()
                                    .map(l -> " (stop-loss " + l.toPlainString() + ")")
                                    .orElse(""))
                            .append(stoppedGoals.contains(g.text()) ? ", STOPPED" : "")
                            .append(System.lineSeparator());
                }
                progress.ifPresent(p -> text.append("  toward ")
                        .append(p.toward())
                        .append(" on ")
                        .append(ladderOption.describe(root().home()))
                        .append(": ")
                        .append(String.join(", ", p.conditions()))
                        .append(System.lineSeparator()));
                text.append("  event chain ")
                        .append(brokenAt.map(s -> "BROKEN at event " + s).orElse("intact"))
                        .append(System.lineSeparator());
                text.append("  last actions:");
                for (String e : last) {
                    JsonNode node = Json.read(e);
                    lastActions.add(node);
                    text.append(System.lineSeparator()).append("    ").append(ConsoleEvents.human(e));
                }
                print(doc, text.toString());
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop an agent; its node drops it.")
    static final class Stop extends Subcommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                AgentRecord a = agents.store.get(name);
                if (a.state() == AgentState.STOPPED || a.state() == AgentState.CREATED) {
                    throw new CliInputException("agent '" + name + "' is not running (" + a.state() + ")");
                }
                agents.changeState(name, AgentState.STOPPED, "agent stop");
                ObjectNode json = Json.object();
                json.put("name", name);
                json.put("state", "STOPPED");
                print(json, "agent '" + name + "' STOPPED; a tick in progress finishes first");
            }
            return 0;
        }
    }

    @Command(
            name = "resume-goal",
            mixinStandardHelpOptions = true,
            description = "Work on a goal its stop-loss stopped again (raise the goal's stopLoss in agent.yaml first,"
                    + " or it stops at once).")
    static final class ResumeGoal extends Subcommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "GOAL")
        String goal;

        @Override
        public Integer call() {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                AgentRecord a = agents.store.get(name);
                if (!agents.store.resumeGoal(name, goal)) {
                    throw new CliInputException("agent '" + name + "' has no stopped goal '" + goal + "'; stopped: "
                            + agents.store.stoppedGoals(name));
                }
                var definition = dev.cyberia.agentcore.AgentDefinitions.read(a.definitionPath());
                String stopLoss = definition.goals().stream()
                        .filter(g -> g.text().equals(goal))
                        .findFirst()
                        .flatMap(dev.cyberia.agentcore.AgentDefinition.Goal::stopLoss)
                        .map(java.math.BigDecimal::toPlainString)
                        .orElse("none");
                ObjectNode json = Json.object();
                json.put("name", name);
                json.put("goal", goal);
                json.put("stopLoss", stopLoss);
                print(
                        json,
                        name + " works on '" + goal + "' again from its next tick (stop-loss " + stopLoss
                                + "; the goal's loss so far still counts against it)");
            }
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print an agent's actions; -f follows.")
    static final class Logs extends Subcommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(
                names = {"-f", "--follow"},
                description = "Keep printing new actions until Ctrl-C.")
        boolean follow;

        @Option(
                names = {"-n", "--lines"},
                defaultValue = "50",
                description = "How many last actions (default 50).")
        int lines;

        @Override
        public Integer call() throws InterruptedException {
            try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
                agents.store.get(name);
                ConsoleEvents console = new ConsoleEvents(out(), json());
                long lastSeq = -1;
                for (String e : agents.events.last(name, Math.max(0, lines))) {
                    console.print(e);
                    lastSeq = Json.read(e).path("seq").asLong();
                }
                while (follow) {
                    Thread.sleep(500);
                    for (String e : agents.events.after(name, lastSeq)) {
                        console.print(e);
                        lastSeq = Json.read(e).path("seq").asLong();
                    }
                }
            }
            return 0;
        }
    }
}
