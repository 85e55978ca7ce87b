package dev.cyberia.cli;

import dev.cyberia.agentcore.AgentAssembler;
import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentMiner;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.InvalidAgentInputException;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.Planner;
import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.agentcore.Toolbox;
import dev.cyberia.inference.LocalChatModel;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.MarketMiners;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.planner.PlannerModel;
import dev.cyberia.planner.Planners;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Wires an agent from its definition: its treasury on the configured chain, its key (unlocked on
 * first use with the node's passphrase, then held), the built-in and named skills, and the LLM
 * planner over a local model or a paid miner, or the routine planner.
 */
final class AgentAssembly implements AgentAssembler, AutoCloseable {
    private final Path home;
    private final TreasuryDatabase db;
    private final Chain chain;
    private final Asset token;
    private final java.util.Optional<MarketRegistry> market;
    private final java.util.Optional<dev.cyberia.treasury.TrustRegistries> trust;
    private final Keystore keystore;
    private final AgentStore store;
    private final Passphrase passphrase;
    private final Clock clock;
    private final Path skillsDir;
    private final Supplier<dev.cyberia.treasury.TokenDomain> domain;
    private ClassLoader skillLoader;
    private String skillJars = "";
    private final Map<String, Signer> signers = new ConcurrentHashMap<>();
    private final Map<Path, LocalModel> models = new ConcurrentHashMap<>();
    /** Skill objects are shared by the agents that name the same skills: they keep state in notes, not fields. */
    private final Map<java.util.List<String>, Toolbox> toolboxes = new ConcurrentHashMap<>();

    AgentAssembly(
            Path home,
            TreasuryDatabase db,
            AgentStore store,
            Chain chain,
            Asset token,
            java.util.Optional<MarketRegistry> market,
            java.util.Optional<dev.cyberia.treasury.TrustRegistries> trust,
            Keystore keystore,
            Passphrase passphrase,
            Clock clock) {
        this(home, db, store, chain, token, market, trust, keystore, passphrase, clock, null);
    }

    /** @param domain the token's EIP-712 domain, for the miners of agents that mine (null: as the token says) */
    AgentAssembly(
            Path home,
            TreasuryDatabase db,
            AgentStore store,
            Chain chain,
            Asset token,
            java.util.Optional<MarketRegistry> market,
            java.util.Optional<dev.cyberia.treasury.TrustRegistries> trust,
            Keystore keystore,
            Passphrase passphrase,
            Clock clock,
            Supplier<dev.cyberia.treasury.TokenDomain> domain) {
        this.domain = domain != null
                ? domain
                : () -> dev.cyberia.treasury.TokenDomain.readFrom(
                        chain, token.token().orElseThrow());
        this.home = home;
        this.store = store;
        this.db = db;
        this.chain = chain;
        this.token = token;
        this.market = market;
        this.trust = trust;
        this.keystore = keystore;
        this.passphrase = passphrase;
        this.clock = clock;
        this.skillsDir = home.resolve("skills");
    }

    @Override
    public LoadedAgent assemble(AgentRecord record, AgentDefinition definition) {
        Treasury treasury = Treasury.open(db, chain, token, record.address(), clock, Treasury.Options.DEFAULT);
        Supplier<Signer> signer = () -> signers.computeIfAbsent(record.keyName(), k -> {
            Signer s = keystore.unlock(k, passphrase);
            if (!s.address().equals(record.address())) {
                s.close();
                throw new InvalidAgentInputException("key '" + k + "' is for " + s.address() + ", not agent "
                        + record.name() + "'s " + record.address());
            }
            return s;
        });
        ClassLoader loader = skillLoader();
        Toolbox toolbox = toolboxes.computeIfAbsent(definition.skills(), names -> Skills.load(names, loader));
        if (definition.inference().map(AgentDefinition.Inference::market).orElse(false)) {
            requireMarket();
        }
        // routine steps mean the routine planner; inference is then what its skills buy
        Planner planner = definition.routine().isEmpty()
                ? definition
                        .inference()
                        .map(i -> Planners.llm(model(i, record.definitionPath().getParent(), treasury, signer)))
                        .orElseGet(Planners::routine)
                : Planners.routine();
        return new LoadedAgent(definition, treasury, signer, planner, toolbox, market, trust);
    }

    private PlannerModel model(
            AgentDefinition.Inference inference, Path definitionDir, Treasury treasury, Supplier<Signer> signer) {
        if (inference.model().isPresent()) {
            Path dir = definitionDir.resolve(inference.model().get()).normalize();
            LocalModel local = models.computeIfAbsent(dir, LocalModel::open);
            return unpaid(new LocalChatModel(local, OptionalLong.empty()), dir.toString());
        }
        if (inference.endpoint().isPresent()) {
            URI endpoint = inference.endpoint().get();
            return unpaid(
                    new dev.cyberia.inference.OpenAiCompatibleChatModel(endpoint, inference.modelName(), null),
                    endpoint.toString());
        }
        return new PlannerModel() {
            @Override
            public Amount maxPrice(SurvivalMode mode) {
                return Amount.parse(inference.maxPriceIn(mode).toPlainString(), token);
            }

            private final dev.cyberia.tools.InferencePurchases purchases =
                    new dev.cyberia.tools.InferencePurchases(inference, definitionDir, market, trust, clock);

            @Override
            public PricedAnswer chat(ChatRequest request, SurvivalMode mode, String purchaseKey) {
                var purchaser = treasury.purchaser(signer.get(), dev.cyberia.treasury.PurchaseGate.NONE);
                MarketMiners.Bought bought = purchases.buy(purchaseKey, request, maxPrice(mode), purchaser);
                return new PricedAnswer(
                        bought.response(),
                        bought.purchase().miner().toString(),
                        bought.purchase().spent(), // with the purchase that checked it, if one did
                        bought.purchase().transaction());
            }
        };
    }

    /** A model that costs nothing in tokens: a local folder, or a plain OpenAI-compatible endpoint. */
    private PlannerModel unpaid(dev.langchain4j.model.chat.ChatModel chat, String route) {
        return new PlannerModel() {
            @Override
            public Amount maxPrice(SurvivalMode mode) {
                return Amount.zero(token);
            }

            @Override
            public PricedAnswer chat(ChatRequest request, SurvivalMode mode, String purchaseKey) {
                return new PricedAnswer(chat.chat(request), route, Amount.zero(token), "");
            }
        };
    }

    /**
     * An OWNER agent's miner: its model served on a port of its own on 127.0.0.1, paid into its
     * treasury (booked income:inference), its receipts signed with its key.
     */
    @Override
    public java.util.Optional<AgentMiner> startMining(
            AgentRecord record, LoadedAgent agent, AgentDefinition.Mines mines, AgentMiner.Sales sold) {
        return java.util.Optional.of(dev.cyberia.tools.ServedModels.start(
                record, agent, mines, sold, domain.get(), dir -> models.computeIfAbsent(dir, LocalModel::open), clock));
    }

    /** An owner's wallet on this node: the key named {@code keyName}, unlocked with the node's passphrase. */
    @Override
    public java.util.Optional<Wallet> wallet(String keyName) {
        try {
            keystore.info(keyName);
        } catch (RuntimeException noSuchKey) {
            return java.util.Optional.empty();
        }
        if (store.all().stream().anyMatch(a -> a.keyName().equals(keyName))) {
            return java.util.Optional
                    .empty(); // an agent's own key is not an owner's: no agent pays another's allowance
        }
        Signer signer = signers.computeIfAbsent(keyName, k -> keystore.unlock(k, passphrase));
        return java.util.Optional.of(
                new Wallet(Treasury.open(db, chain, token, signer.address(), clock, Treasury.Options.DEFAULT), signer));
    }

    private MarketRegistry requireMarket() {
        return market.orElseThrow(() -> new InvalidAgentInputException("'inference.market: true' needs a market"
                + " registry: run on the devnet ('cyberia devnet up' deploys one), or set CYBERIA_REGISTRY"));
    }

    /**
     * A child automaton: a new key under the node's passphrase, the parent's definition with tier
     * AUTOMATON and a purpose that names its parent, written atomically next to the others.
     */
    @Override
    public synchronized AgentRecord spawn(AgentRecord parent, String childName) {
        java.util.Optional<AgentRecord> existing = store.find(childName);
        if (existing.isPresent()) {
            if (existing.get().parent().filter(parent.name()::equals).isPresent()) {
                return existing.get(); // a re-run tick: the child exists already
            }
            throw new InvalidAgentInputException("an agent named '" + childName + "' already exists");
        }
        keystore.requireNewName(childName); // before anything is written
        try {
            var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                    yaml.readTree(parent.definitionPath().toFile());
            tree.put("tier", "AUTOMATON");
            tree.remove("allowance"); // the parent's owner gives the parent, not its children
            tree.remove("mines"); // a child earns its own right to mine
            tree.put(
                    "purpose",
                    "Child of " + parent.name() + ". " + tree.path("purpose").asText());
            Path dir = home.resolve("agents").resolve(childName);
            java.nio.file.Files.createDirectories(dir);
            Path file = dir.resolve("agent.yaml");
            Path temp = java.nio.file.Files.createTempFile(dir, ".agent", ".yaml");
            java.nio.file.Files.writeString(temp, yaml.writeValueAsString(tree));
            java.nio.file.Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            dev.cyberia.keystore.KeyInfo key =
                    keystore.generate(childName, passphrase, dev.cyberia.keystore.Kdf.STANDARD);
            store.createChild(childName, key.address(), childName, file, parent.name(), clock.instant());
            return store.get(childName);
        } catch (java.io.IOException e) {
            throw new InvalidAgentInputException("cannot write the child's definition: " + e.getMessage(), e);
        }
    }

    /**
     * The class loader over {@code HOME/skills/*.jar}, made again when the jars changed, so a jar
     * dropped in is used by the next agent (re)loaded, without restarting the node.
     */
    private synchronized ClassLoader skillLoader() {
        String jars;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.isDirectory(skillsDir)
                ? java.nio.file.Files.list(skillsDir)
                : java.util.stream.Stream.empty()) {
            jars = files.filter(p -> p.toString().endsWith(".jar"))
                    .sorted()
                    .map(p -> p.getFileName() + ":" + p.toFile().length() + ":"
                            + p.toFile().lastModified())
                    .collect(java.util.stream.Collectors.joining(","));
        } catch (java.io.IOException e) {
            throw new InvalidAgentInputException("cannot list " + skillsDir + ": " + e.getMessage(), e);
        }
        if (skillLoader == null || !jars.equals(skillJars)) {
            skillLoader = Skills.loaderFor(skillsDir);
            skillJars = jars;
            toolboxes.clear();
        }
        return skillLoader;
    }

    @Override
    public void close() {
        signers.values().forEach(Signer::close);
        models.values().forEach(LocalModel::close);
        passphrase.close();
    }
}
