package dev.cyberia.cli;

import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.Ladder;
import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.inference.ChatBackend;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.MinerServer;
import dev.cyberia.keystore.KeyInfo;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole thing on one machine: the devnet, a miner selling the tiny model, and a node running
 * the example agents (a scribe selling text services, a customer hiring it) on the demo ladder,
 * their actions streaming until Ctrl-C. A second run continues from the saved state.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
            "Bring up the devnet, a miner and a node with the example agents (scribe, customer),",
            "funded by the faucet, and stream their actions until Ctrl-C. Run it again to continue."
        })
final class QuickstartCommand extends Subcommand {
    static final List<String> AGENTS = List.of("scribe", "customer");
    static final String MINER_KEY = "miner";
    /** The person's own key: it gives the customer its allowance and is paid the node's hosting fees. */
    static final String OWNER_KEY = "owner";
    /** What the node charges each agent for its keep. */
    static final String HOSTING_FEE = "0.01/5m";

    @Option(names = "--port", defaultValue = "8545", description = "Devnet port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--miner-port", defaultValue = "8402", description = "Miner port (default ${DEFAULT-VALUE}).")
    int minerPort;

    @Option(
            names = "--shop-port",
            defaultValue = "8403",
            description = "Where the node sells the agents' skills (default ${DEFAULT-VALUE}).")
    int shopPort;

    @Option(
            names = "--dashboard-port",
            defaultValue = "8480",
            description = "Where to watch the agents, on 127.0.0.1 (default ${DEFAULT-VALUE}; -1: no dashboard).")
    int dashboardPort;

    @Option(
            names = "--model",
            defaultValue = "models/tiny-chat",
            paramLabel = "DIR",
            description = "The model the miner serves (default: the repository's tiny model, ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--for",
            paramLabel = "DURATION",
            description = "Stop by itself after this long (e.g. 3m); default: until Ctrl-C.")
    String runFor;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "The passphrase of the quickstart keys.")
    Path passphraseFile;

    @Mixin
    KdfOption kdfOption;

    @Override
    public Integer call() throws Exception {
        Optional<Duration> limit = Optional.ofNullable(runFor).map(QuickstartCommand::duration);
        Path modelDir = model.toAbsolutePath().normalize();
        if (!Files.isRegularFile(modelDir.resolve("config.json"))) {
            throw new CliInputException("no model at " + modelDir + ": run quickstart from the repository root, or"
                    + " pass --model DIR (a Hugging Face ONNX folder)");
        }
        Path home = root().home();
        Devnet devnet = Devnet.at(home);
        boolean devnetWasUp = devnet.isRunning();
        DevnetInfo info = devnet.up(port);
        Chain chain = Chain.connect(info.rpcUrl(), info.chainId());
        Asset cyb = Asset.readFrom(chain, info.token());
        MarketRegistry market = new MarketRegistry(chain, info.registry());
        ChainOptions.Resolved resolved = new ChainOptions.Resolved(
                chain,
                cyb,
                Optional.of(market),
                Optional.ofNullable(info.trust()).map(t -> new dev.cyberia.treasury.TrustRegistries(chain, t)));
        say("devnet " + info.rpcUrl() + (devnetWasUp ? " (already running)" : " (started)") + ", CYB " + info.token()
                + ", market " + info.registry());

        try (AgentHome agents = AgentHome.open(root(), environment().clock())) {
            java.time.Instant now = environment().clock().instant();
            if (agents.store.nodes().stream().anyMatch(n -> n.isAlive(now, AgentCommand.LEASE) && !n.stopRequested())) {
                throw new CliInputException("a node is already running on " + home + " (a 'cyberia node start' or"
                        + " another quickstart; see 'cyberia node status'): stop it first with 'cyberia node stop'");
            }
            Keystore keystore = keystore();
            Passphrase passphrase = passphrase(keystore);
            try {
                KeyInfo minerKey = ensureMiner(agents, keystore, passphrase, cyb);
                KeyInfo ownerKey = ensureOwner(agents, keystore, passphrase, cyb);
                for (String name : AGENTS) {
                    ensureAgent(agents, keystore, name, passphrase, cyb);
                }
                return run(agents, keystore, resolved, passphrase, minerKey, ownerKey, modelDir, limit);
            } catch (RuntimeException | IOException e) {
                passphrase.close();
                throw e;
            }
        }
    }

    /** One passphrase for the quickstart's keys: a new one on the first run, then the same one. */
    private Passphrase passphrase(Keystore keystore) {
        boolean anyKey = keystore.list().keys().stream()
                .anyMatch(k -> k.name().equals(MINER_KEY) || k.name().equals(OWNER_KEY) || AGENTS.contains(k.name()));
        if (!anyKey) {
            return Passphrases.forNewKey(passphraseFile, environment(), "New passphrase for the quickstart's keys: ");
        }
        Passphrase passphrase =
                Passphrases.existing(passphraseFile, environment(), "Passphrase of the quickstart's keys: ");
        String existing = keystore.list().keys().stream()
                .map(KeyInfo::name)
                .filter(n -> n.equals(MINER_KEY) || n.equals(OWNER_KEY) || AGENTS.contains(n))
                .findFirst()
                .orElseThrow();
        try (Signer check = keystore.unlock(existing, passphrase)) {
            return passphrase; // a wrong passphrase is refused here, before anything starts
        } catch (RuntimeException e) {
            passphrase.close();
            throw e;
        }
    }

    private KeyInfo ensureMiner(AgentHome agents, Keystore keystore, Passphrase passphrase, Asset cyb) {
        if (keystore.list().keys().stream().anyMatch(k -> k.name().equals(MINER_KEY))) {
            return keystore.info(MINER_KEY);
        }
        KeyInfo key = keystore.generate(MINER_KEY, passphrase, kdfOption.kdf());
        // the miner pays the gas of settling its customers' payments
        DevnetCommand.fundAndBook(
                root().home(), agents.db, key.address(), Amount.parse("10", Asset.ether()), Amount.zero(cyb));
        say("made key '" + MINER_KEY + "' " + key.address() + ", funded with 10 ETH for settlement gas");
        return key;
    }

    /** The person's own wallet: funded by the faucet, it pays the customer's allowance and takes the hosting fees. */
    private KeyInfo ensureOwner(AgentHome agents, Keystore keystore, Passphrase passphrase, Asset cyb) {
        if (keystore.list().keys().stream().anyMatch(k -> k.name().equals(OWNER_KEY))) {
            return keystore.info(OWNER_KEY);
        }
        KeyInfo key = keystore.generate(OWNER_KEY, passphrase, kdfOption.kdf());
        DevnetCommand.fundAndBook(
                root().home(), agents.db, key.address(), Amount.parse("10", Asset.ether()), Amount.parse("1000", cyb));
        say("made key '" + OWNER_KEY + "' " + key.address() + " (yours: it gives the customer its allowance and is"
                + " paid the node's hosting fees), funded with 10 ETH and 1000 CYB");
        return key;
    }

    /**
     * A definition that buys from the market checks a quarter of its answers against the model the
     * quickstart's miner serves: a node holds its own copy of the model it pays for.
     */
    private String verifying(String yaml) {
        String asked = "  modelName: tiny-chat\n";
        if (!yaml.contains("  market: true") || !yaml.contains(asked)) {
            return yaml;
        }
        return yaml.replace(
                asked,
                asked
                        + "  verify:                # a quarter of the answers replayed through our own copy of the model\n"
                        + "    model: " + model.toAbsolutePath().normalize() + "\n"
                        + "    share: 0.25\n");
    }

    private void ensureAgent(AgentHome agents, Keystore keystore, String name, Passphrase passphrase, Asset cyb)
            throws IOException {
        if (agents.store.find(name).isPresent()) {
            return;
        }
        String yaml = verifying(AgentCommand.New.template(name));
        // a run stopped between making the key and the agent left the key: it is used, not made again
        String existingKey =
                keystore.list().keys().stream().anyMatch(k -> k.name().equals(name)) ? name : null;
        KeyInfo key = AgentCommand.New.create(
                agents,
                keystore,
                name,
                yaml,
                "the example agent '" + name + "'",
                existingKey,
                passphrase,
                kdfOption.kdf(),
                environment());
        // the scribe starts nearly broke and must earn; the customer has a budget to spend
        String tokens = name.equals("scribe") ? "0.5" : "50";
        DevnetCommand.fundAndBook(
                root().home(), agents.db, key.address(), Amount.parse("10", Asset.ether()), Amount.parse(tokens, cyb));
        say("made agent '" + name + "' " + key.address() + " from agents/" + name + "/agent.yaml, funded with 10 ETH"
                + " and " + tokens + " CYB");
    }

    private int run(
            AgentHome agents,
            Keystore keystore,
            ChainOptions.Resolved chain,
            Passphrase passphrase,
            KeyInfo minerKey,
            KeyInfo ownerKey,
            Path modelDir,
            Optional<Duration> limit)
            throws Exception {
        dev.cyberia.agentcore.HostingFee fee = dev.cyberia.agentcore.HostingFee.parse(HOSTING_FEE, ownerKey.address());
        ConsoleEvents console = new ConsoleEvents(out(), json());
        agents.events.addListener(e -> {
            if (AGENTS.contains(e.agent())) {
                console.onEvent(e);
            }
        });
        Amount minerPrice = Amount.parse("0.01", chain.token());
        TokenDomain domain = chain.domain();
        try (ShutdownSignal ctrlC = new ShutdownSignal();
                Signer minerSigner = keystore.unlock(MINER_KEY, passphrase);
                LocalModel local = LocalModel.open(modelDir)) {
            Treasury minerWallet =
                    chain.treasury(agents.db, minerKey.address(), environment().clock());
            ChatBackend backend = ChatBackend.local(local);
            try (MinerServer miner = MinerServer.start(
                    MinerServer.Config.local(minerPort, minerPrice, domain),
                    backend,
                    minerWallet,
                    minerSigner,
                    environment().clock())) {
                say("miner " + minerKey.address() + " serving " + backend.name() + " at " + miner.baseUri() + " for "
                        + minerPrice + " per answer; "
                        + Offers.publish(
                                chain.requireMarket(),
                                new OfferDraft(Offer.Kind.INFERENCE, backend.name(), miner.baseUri(), minerPrice)
                                        .withSchemes(miner.schemes()),
                                minerWallet,
                                minerSigner));
                for (String name : AGENTS) {
                    if (agents.store.get(name).state() != AgentState.RUNNING) {
                        agents.changeState(name, AgentState.RUNNING, "quickstart");
                    }
                }
                Instant started = environment().clock().instant();
                try (NodeRunner.Running node = NodeRunner.start(
                        this,
                        agents,
                        chain,
                        passphrase,
                        Ladder.builtIn("demo"),
                        RuntimeNode.Config.foreground(AGENTS, shopPort).withHostingFee(fee),
                        dashboardPort)) {
                    node.announceDashboard(this);
                    say("node selling the agents' skills at "
                            + node.node().shop().map(Object::toString).orElse("-")
                            + " on the demo ladder, charging each agent " + fee + " ('" + OWNER_KEY + "'); the"
                            + " scribe mines once it is an OWNER; the customer's allowance comes from '" + OWNER_KEY
                            + "' (its agent.yaml); "
                            + limit.map(d -> "stopping after " + d.toSeconds() + " s")
                                    .orElse("Ctrl-C stops"));
                    Instant nextReport = started.plusSeconds(30);
                    while (!ctrlC.await(Duration.ofSeconds(1))) {
                        Instant now = environment().clock().instant();
                        if (!now.isBefore(nextReport)) {
                            for (String name : AGENTS) {
                                say(BooksReport.line(agents, chain, name, BooksReport.ethPrice(environment())));
                            }
                            nextReport = now.plusSeconds(30);
                        }
                        if (limit.isPresent() && Duration.between(started, now).compareTo(limit.get()) >= 0) {
                            break;
                        }
                    }
                } finally {
                    for (String name : AGENTS) {
                        if (agents.store.get(name).state() == AgentState.RUNNING) {
                            agents.changeState(name, AgentState.STOPPED, "quickstart stopped");
                        }
                    }
                }
                say(BooksReport.line(agents, chain, "scribe", BooksReport.ethPrice(environment())));
            }
        }
        say("stopped the node and the miner; the devnet keeps running ('cyberia devnet down' stops it). Run"
                + " 'cyberia quickstart' again to continue; 'cyberia agent status scribe --ladder demo' shows its books"
                + " and its way up the demo ladder");
        return 0;
    }

    private void say(String line) {
        if (!json()) {
            err().println("quickstart: " + line);
            err().flush();
        }
    }

    private static Duration duration(String text) {
        try {
            return AgentDefinitions.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new CliInputException("--for '" + text + "': " + e.getMessage());
        }
    }
}
