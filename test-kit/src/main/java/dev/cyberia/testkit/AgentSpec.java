package dev.cyberia.testkit;

import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.KeyInfo;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** An agent to start in a {@link Cyberia}: its definition, its funding and its planner. */
public final class AgentSpec {
    private final Cyberia cyberia;
    private final String name;
    private String yaml;
    private String tokens = "10";
    private Optional<ScriptedModel> model = Optional.empty();

    AgentSpec(Cyberia cyberia, String name) {
        this.cyberia = cyberia;
        this.name = name;
    }

    /** Its agent.yaml, as text (the skills it names are loaded from the test's class path). */
    public AgentSpec definition(String agentYaml) {
        this.yaml = agentYaml;
        return this;
    }

    /** Its agent.yaml, from a file (a project's own, say). */
    public AgentSpec definitionFile(Path agentYaml) {
        try {
            this.yaml = Files.readString(agentYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** How many CYB the faucet gives it (default 10); it also gets 1 ETH for gas. */
    public AgentSpec funded(String units) {
        this.tokens = units;
        return this;
    }

    /** Planned by the LLM planner over {@code script} instead of its routine. */
    public AgentSpec plannedBy(ScriptedModel script) {
        this.model = Optional.of(script);
        return this;
    }

    /**
     * Makes the agent: a new key, funded by the faucet; RUNNING, so its sold skills are served.
     *
     * @throws IllegalArgumentException when the definition does not parse (the reason says where)
     */
    public TestAgent start() {
        if (yaml == null) {
            throw new IllegalStateException("give agent '" + name + "' a definition first");
        }
        try {
            Path dir = Files.createDirectories(cyberia.home().resolve("agents").resolve(name));
            Path file = dir.resolve("agent.yaml");
            Files.writeString(file, yaml);
            AgentDefinition definition = AgentDefinitions.read(file);
            KeyInfo info = cyberia.keystore().generate(name, Passphrase.wrap("test".toCharArray()), Kdf.LIGHT);
            Signer key = cyberia.keystore().unlock(name, Passphrase.wrap("test".toCharArray()));
            cyberia.register(name, key, model);
            cyberia.fund(info.address(), tokens);
            cyberia.store.create(name, info.address(), name, file, definition.tier(), cyberia.clock.instant());
            cyberia.store.setState(name, AgentState.RUNNING);
            return new TestAgent(cyberia, name, info.address());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
