package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.agentcore.AgentAssembler;
import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.Ladder;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.keystore.Signer;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Amount;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An OWNER spawning and funding a child automaton on anvil; an AUTOMATON and a reserve breach refused. */
class SpawnIT {
    static Testbed bed;
    static Signer childKey;

    @BeforeAll
    static void start() throws IOException {
        bed = new Testbed();
        childKey = bed.devKey("kid", 10);
    }

    @AfterAll
    static void stop() {
        childKey.close();
        bed.close();
    }

    /** Ticks agent "a" of {@code agent} with a spawner that records the child under dev key 10. */
    static AgentRuntime.TickReport tick(Testbed.Agent agent, String yaml) {
        AgentAssembler assembler = new AgentAssembler() {
            @Override
            public LoadedAgent assemble(AgentRecord record, AgentDefinition definition) {
                return new LoadedAgent(
                        definition,
                        agent.treasury,
                        () -> bed.signer,
                        Planners.routine(),
                        Skills.load(List.of(), getClass().getClassLoader()));
            }

            @Override
            public AgentRecord spawn(AgentRecord parent, String childName) {
                agent.store.createChild(
                        childName,
                        childKey.address(),
                        "kid",
                        parent.definitionPath(),
                        parent.name(),
                        Clock.systemUTC().instant());
                return agent.store.get(childName);
            }
        };
        return new AgentRuntime(
                        agent.store,
                        agent.events,
                        assembler,
                        (a, d, r) -> {},
                        Ladder.builtIn("standard"),
                        Clock.systemUTC())
                .tick("a", List.of());
    }

    static final String SPAWNER = """
            purpose: Grow a family.
            budgets: {perTick: "10", perDay: "100"}
            survival: {hibernateBelow: "%s"}
            routine:
              - skill: spawn_child
                args: {name: kid, funding: "5"}
            """;

    @Test
    void anOwner_spawnsAndFundsAChild_withItsLineage() throws IOException {
        Amount before = bed.chain.balanceOf(bed.cyb, childKey.address());
        try (Testbed.Agent parent = bed.new Agent(SPAWNER.formatted("1"), Planners.routine())) {
            parent.store.setTier("a", Tier.OWNER);
            tick(parent, SPAWNER);
            AgentRecord kid = parent.store.get("kid");
            assertThat(kid.parent()).contains("a");
            assertThat(kid.tier()).isEqualTo(Tier.AUTOMATON);
            assertThat(kid.state()).isEqualTo(AgentState.RUNNING);
            assertThat(parent.store.children("a")).extracting(AgentRecord::name).containsExactly("kid");
            assertThat(bed.chain.balanceOf(bed.cyb, childKey.address()))
                    .isEqualTo(before.plus(Amount.parse("5", bed.cyb)));
            assertThat(parent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"ChildSpawned\"") && j.contains("\"kid\""));
        }
    }

    @Test
    void anAutomaton_tryingToSpawn_isDeniedByTheGate_withAnEvent() throws IOException {
        try (Testbed.Agent parent = bed.new Agent(SPAWNER.formatted("1"), Planners.routine())) {
            tick(parent, SPAWNER);
            assertThat(parent.store.find("kid")).isEmpty();
            assertThat(parent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"PolicyDenied\"") && j.contains("needs tier OWNER"));
        }
    }

    @Test
    void aSpawnThatWouldBreachTheReserve_isRefused_andNothingIsCreated() throws IOException {
        Amount before = bed.chain.balanceOf(bed.cyb, childKey.address());
        try (Testbed.Agent parent = bed.new Agent(SPAWNER.formatted("98"), Planners.routine())) {
            parent.store.setTier("a", Tier.OWNER);
            tick(parent, SPAWNER);
            assertThat(parent.store.find("kid")).isEmpty();
            assertThat(parent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"PolicyDenied\"") && j.contains("below the reserve"));
            assertThat(bed.chain.balanceOf(bed.cyb, childKey.address())).isEqualTo(before);
        }
    }
}
