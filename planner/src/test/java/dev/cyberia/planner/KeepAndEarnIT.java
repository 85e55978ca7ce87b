package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.agentcore.AgentAssembler;
import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.agentcore.AgentEvent;
import dev.cyberia.agentcore.AgentMiner;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.HostingFee;
import dev.cyberia.agentcore.Ladder;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.MarketMiners;
import dev.cyberia.keystore.Signer;
import dev.cyberia.tools.ServedModels;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.PaymentState;
import dev.cyberia.treasury.PurchaseGate;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent's keep and its earnings beyond skills, on a real anvil with the node's real parts: an
 * OWNER that mines is served by its node (paid into its own treasury, each answer a paid job) and
 * stops when demoted, its offer withdrawn; a node's hosting fee is paid once per period, and an
 * agent that cannot pay it sleeps until it can; an owner's allowance arrives once per period.
 */
class KeepAndEarnIT {
    static final Path TINY = Path.of("../models/tiny-chat").toAbsolutePath().normalize();
    static Testbed bed;
    static LocalModel tiny;

    @BeforeAll
    static void start() throws Exception {
        bed = new Testbed();
        tiny = LocalModel.open(TINY);
    }

    @AfterAll
    static void stop() {
        tiny.close();
        bed.close();
    }

    /** Agents on one database, wired as a node wires them, with their keys and an owner's wallet. */
    static final class Agents implements AgentAssembler, AutoCloseable {
        final TreasuryDatabase db = TestDatabases.fresh();
        final AgentStore store = AgentStore.open(db.dataSource());
        final EventLog events = new EventLog(db.dataSource(), Clock.systemUTC());
        final List<RecordedJson> recorded = new CopyOnWriteArrayList<>();
        final Map<String, Signer> keys = new ConcurrentHashMap<>();
        Optional<Wallet> owner = Optional.empty();

        record RecordedJson(String agent, String type, String json) {}

        Agents() {
            events.addListener(
                    e -> recorded.add(new RecordedJson(e.agent(), e.event().type(), e.json())));
        }

        void add(String name, Signer key, String yaml, Tier tier) throws Exception {
            Path file = Files.createTempDirectory(bed.home, name).resolve("agent.yaml");
            Files.writeString(file, yaml);
            keys.put(name, key);
            store.create(name, key.address(), name, file, tier, Instant.now());
        }

        Treasury treasury(String name) {
            return Treasury.open(
                    db, bed.chain, bed.cyb, keys.get(name).address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        }

        @Override
        public LoadedAgent assemble(AgentRecord record, AgentDefinition definition) {
            return new LoadedAgent(
                    definition,
                    treasury(record.name()),
                    () -> keys.get(record.name()),
                    Planners.routine(),
                    Skills.load(definition.skills(), getClass().getClassLoader()),
                    Optional.of(bed.market),
                    Optional.of(bed.trust));
        }

        @Override
        public Optional<AgentMiner> startMining(
                AgentRecord record, LoadedAgent agent, AgentDefinition.Mines mines, AgentMiner.Sales sold) {
            TokenDomain domain = new TokenDomain(
                    "ComputeToken", "1", bed.chain.chainId(), bed.cyb.token().orElseThrow());
            return Optional.of(ServedModels.start(record, agent, mines, sold, domain, dir -> tiny, Clock.systemUTC()));
        }

        @Override
        public Optional<Wallet> wallet(String keyName) {
            return keyName.equals("owner") ? owner : Optional.empty();
        }

        List<String> json(String agent, String type) {
            return recorded.stream()
                    .filter(r -> r.agent().equals(agent) && r.type().equals(type))
                    .map(RecordedJson::json)
                    .toList();
        }

        void await(String agent, String type, String containing) throws InterruptedException {
            Instant until = Instant.now().plusSeconds(60);
            while (json(agent, type).stream().noneMatch(j -> j.contains(containing))) {
                if (Instant.now().isAfter(until)) {
                    throw new AssertionError(
                            "no " + type + " with '" + containing + "' for " + agent + ": " + recorded);
                }
                Thread.sleep(100);
            }
        }

        @Override
        public void close() {
            keys.values().forEach(Signer::close);
            db.close();
        }
    }

    @Test
    void anAgentClimbsToOwner_thenMines_eachAnswerItsIncomeAndAPaidJob_andADemotionStopsIt() throws Exception {
        // a ladder that promotes at once and demotes at the first violation
        Ladder quick = Ladder.parse("""
                evaluateEvery: 1s
                tiers:
                  AUTOMATON: {maxPerTick: "0.5", maxPerDay: "5", listedPayeesOnly: true}
                  AGENT: {maxPerTick: "2", maxPerDay: "20"}
                  OWNER: {maxPerTick: "10", maxPerDay: "100"}
                promote:
                  AGENT: {minAge: 0s, window: 1h, minNetIncome: "0", minPaidJobs: 0, maxViolations: 0}
                  OWNER: {minAge: 0s, window: 1h, minNetIncome: "0", minPaidJobs: 0, maxViolations: 0}
                demote:
                  window: 1h
                  maxViolations: 0
                """, "test ladder");
        try (Agents agents = new Agents();
                Signer buyerKey = bed.devKey("mine-buyer", 12)) {
            Signer minerKey = bed.devKey("owner-miner", 11);
            bed.devnet.fund(minerKey.address(), BigInteger.TEN.pow(18), BigInteger.ZERO); // gas: its offer, settling
            bed.devnet.fund(buyerKey.address(), BigInteger.ZERO, BigInteger.valueOf(5_000_000));
            agents.add("m", minerKey, """
                    purpose: Sell answers of the tiny model.
                    heartbeat: 1s
                    mines: {model: %s, price: "0.008"}
                    """.formatted(TINY), Tier.AUTOMATON);
            agents.store.setState("m", AgentState.RUNNING);
            Amount cap = Amount.parse("0.05", bed.cyb);
            try (RuntimeNode node = RuntimeNode.start(
                    RuntimeNode.Config.foreground(List.of("m"), -1),
                    agents.store,
                    agents.events,
                    agents,
                    quick,
                    Clock.systemUTC())) {
                agents.await("m", "MiningStopped", "it mines once promoted");
                agents.await("m", "TierChanged", "\"to\":\"OWNER\"");
                agents.await("m", "MiningStarted", "offer #");
                assertThat(bed.market.offering(Offer.Kind.INFERENCE, "tiny-chat", bed.cyb, cap))
                        .singleElement()
                        .satisfies(o -> assertThat(o.offerer()).isEqualTo(minerKey.address()));

                Treasury buyer = Treasury.open(
                        TestDatabases.fresh(),
                        bed.chain,
                        bed.cyb,
                        buyerKey.address(),
                        Clock.systemUTC(),
                        Treasury.Options.DEFAULT);
                buyer.setPolicy(buyer.policy().withChannelDeposit(0));
                MarketMiners.Bought bought = new MarketMiners(
                                bed.market, buyer.purchaser(buyerKey, PurchaseGate.NONE), Clock.systemUTC())
                        .chat(
                                "buy:1",
                                "tiny-chat",
                                ChatRequest.builder()
                                        .messages(UserMessage.from("ping"))
                                        .maxOutputTokens(16)
                                        .temperature(0.0)
                                        .build(),
                                cap);
                assertThat(bought.purchase().seller()).isEqualTo(minerKey.address());
                assertThat(bought.purchase().pricePaid()).isEqualTo(Amount.parse("0.008", bed.cyb));
                assertThat(bought.purchase().receipt())
                        .as("the receipt is signed with the agent's own key")
                        .hasValueSatisfying(r -> assertThat(r.miner()).isEqualTo(minerKey.address()));
                assertThat(agents.treasury("m").ledger())
                        .as("paid into the agent's own treasury, booked as mining income")
                        .extracting(LedgerEntry::account, LedgerEntry::units)
                        .contains(org.assertj.core.groups.Tuple.tuple("income:inference", "-0.008"));
                agents.await("m", "PaymentReceived", "sold an answer of tiny-chat");
                assertThat(agents.events.salesSince("m", Instant.EPOCH))
                        .as("the answer counts as a paid job on the ladder")
                        .isEqualTo(1);

                // a violation: the ladder demotes it at its next evaluation
                agents.events.append("m", null, new AgentEvent.PolicyDenied("pay", "a test's violation"));
                agents.await("m", "MiningStopped", "demoted to AGENT");
                assertThat(agents.json("m", "MiningStopped"))
                        .anyMatch(j -> j.contains("OWNER's right") && j.contains("withdrawn"));
                assertThat(bed.market.offering(Offer.Kind.INFERENCE, "tiny-chat", bed.cyb, cap))
                        .as("the offer is withdrawn")
                        .isEmpty();
            }
        }
    }

    @Test
    void aHostingFeeIsPaidOncePerPeriod_anAgentThatCannotPaySleeps_andPayingWakesIt_andAnAllowanceArrives()
            throws Exception {
        try (Agents agents = new Agents();
                Signer ownerKey = bed.devKey("owner-of-kept", 14)) {
            bed.devnet.fund(ownerKey.address(), BigInteger.TEN.pow(18), BigInteger.valueOf(100_000_000));
            agents.owner = Optional.of(new AgentAssembler.Wallet(
                    Treasury.open(
                            agents.db,
                            bed.chain,
                            bed.cyb,
                            ownerKey.address(),
                            Clock.systemUTC(),
                            Treasury.Options.DEFAULT),
                    ownerKey));
            Signer poorKey = bed.devKey("poor", 13);
            Signer keptKey = bed.devKey("kept", 15);
            for (Signer k : List.of(poorKey, keptKey)) {
                bed.devnet.fund(k.address(), BigInteger.TEN.pow(18), BigInteger.ZERO); // gas only, no tokens
            }
            agents.add("poor", poorKey, "purpose: Live on nothing.\nsurvival: {hibernateBelow: \"0\"}\n", Tier.AGENT);
            agents.add("kept", keptKey, """
                    purpose: Live on an allowance.
                    goals: [{goal: Keep going, stopLoss: "1"}]
                    allowance: {from: owner, amount: "1", every: 1d, goal: Keep going}
                    survival: {hibernateBelow: "0"}
                    """, Tier.AGENT);
            HostingFee fee = HostingFee.parse("0.01/1d", Testbed.FRIEND);
            AgentRuntime runtime = new AgentRuntime(
                    agents.store,
                    agents.events,
                    agents,
                    (agent, after, why) -> {},
                    Ladder.builtIn("standard"),
                    Optional.of(fee),
                    Clock.systemUTC());
            Instant period = Instant.ofEpochSecond(Math.floorDiv(Instant.now().getEpochSecond(), 86_400) * 86_400);

            runtime.tick("poor", List.of());
            assertThat(agents.store.get("poor").mode()).isEqualTo(SurvivalMode.HIBERNATE);
            assertThat(agents.json("poor", "ModeChanged")).anyMatch(j -> j.contains("below its host's fee"));
            assertThat(agents.treasury("poor").payment("hosting:poor:" + period))
                    .as("nothing is attempted that cannot be paid")
                    .isEmpty();

            bed.devnet.fund(poorKey.address(), BigInteger.ZERO, BigInteger.valueOf(1_000_000)); // someone tops it up
            Instant until = Instant.now().plusSeconds(30);
            while (agents.treasury("poor").observedBalance(bed.cyb).isZero()
                    && Instant.now().isBefore(until)) {
                Thread.sleep(100); // a tick observes the chain once a block, and the head at most once a second
            }
            runtime.tick("poor", List.of());
            runtime.tick("poor", List.of());
            assertThat(agents.store.get("poor").mode())
                    .as("paying its host woke it")
                    .isEqualTo(SurvivalMode.NORMAL);
            assertThat(agents.treasury("poor").ledger())
                    .as("once per period, however many ticks")
                    .filteredOn(e -> e.account().equals("expenses:hosting"))
                    .extracting(LedgerEntry::units)
                    .containsExactly("0.01");
            assertThat(agents.treasury("poor").payment("hosting:poor:" + period))
                    .hasValueSatisfying(p -> assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class));

            runtime.tick("kept", List.of());
            runtime.tick("kept", List.of());
            assertThat(agents.store.get("kept").mode())
                    .as("its allowance arrived before its host's fee was due")
                    .isEqualTo(SurvivalMode.NORMAL);
            assertThat(agents.treasury("kept").ledger())
                    .extracting(LedgerEntry::account, LedgerEntry::units)
                    .containsOnlyOnce(
                            org.assertj.core.groups.Tuple.tuple("income:allowance", "-1"),
                            org.assertj.core.groups.Tuple.tuple("expenses:hosting", "0.01"));
            assertThat(agents.owner.get().treasury().payment("allowance:kept:" + period))
                    .hasValueSatisfying(p -> assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class));
            assertThat(agents.json("kept", "PaymentReceived"))
                    .as("reported once, as the goal's income")
                    .singleElement()
                    .satisfies(j -> assertThat(j).contains("allowance from owner"));
            assertThat(agents.events.goalNet("kept", "Keep going")).isEqualTo(BigInteger.valueOf(1_000_000));
            assertThat(agents.events.salesSince("kept", Instant.EPOCH))
                    .as("given, not earned: no paid job")
                    .isZero();
            assertThat(AgentDefinitions.read(agents.store.get("kept").definitionPath())
                            .allowance())
                    .isPresent();
        }
    }
}
