package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.InvalidAgentInputException;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The node's spawner: a child's key, its derived definition and its lineage. */
class AgentAssemblySpawnTest {

    @Test
    void spawn_makesAKeyADerivedDefinitionAndTheLineage_onceForTheSameChild() throws Exception {
        Path home = Files.createTempDirectory("cyberia-spawn");
        try (TreasuryDatabase db = TestDatabases.fresh()) {
            AgentStore store = AgentStore.open(db.dataSource());
            Path parentDef = home.resolve("agents/mom/agent.yaml");
            Files.createDirectories(parentDef.getParent());
            Files.writeString(
                    parentDef,
                    "purpose: Sell summaries.\ntier: OWNER\nheartbeat: 30s\n"
                            + "mines: {model: /models/tiny-chat, price: \"0.008\"}\n"
                            + "allowance: {from: owner, amount: \"1\", every: 1d}\n");
            store.create(
                    "mom",
                    Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                    "mom",
                    parentDef,
                    Tier.OWNER,
                    Clock.systemUTC().instant());
            Keystore keystore = Keystore.open(home);
            try (AgentAssembly assembly = new AgentAssembly(
                    home,
                    db,
                    store,
                    null,
                    null,
                    java.util.Optional.empty(),
                    java.util.Optional.empty(),
                    keystore,
                    Passphrase.wrap("node-pass".toCharArray()),
                    Clock.systemUTC())) {
                AgentRecord mom = store.get("mom");
                AgentRecord kid = assembly.spawn(mom, "kid");
                assertThat(kid.parent()).contains("mom");
                assertThat(kid.tier()).isEqualTo(Tier.AUTOMATON);
                assertThat(keystore.info("kid").address()).isEqualTo(kid.address());
                var definition = AgentDefinitions.read(kid.definitionPath());
                assertThat(definition.tier()).isEqualTo(Tier.AUTOMATON);
                assertThat(definition.purpose()).isEqualTo("Child of mom. Sell summaries.");
                assertThat(definition.heartbeat()).hasSeconds(30);
                assertThat(definition.mines())
                        .as("a child earns its own right to mine")
                        .isEmpty();
                assertThat(definition.allowance())
                        .as("the parent's owner gives the parent, not its children")
                        .isEmpty();
                assertThat(assembly.spawn(mom, "kid")).isEqualTo(kid);
                assertThatThrownBy(() -> assembly.spawn(kid, "kid"))
                        .isInstanceOf(InvalidAgentInputException.class)
                        .hasMessageContaining("already exists");
            }
        }
    }
}
