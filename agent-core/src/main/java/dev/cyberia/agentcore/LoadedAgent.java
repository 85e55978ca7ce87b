package dev.cyberia.agentcore;

import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Treasury;
import java.util.function.Supplier;

/**
 * An agent ready to tick: its definition, its treasury, its key (unlocked on first use), its
 * planner and its tools.
 */
public record LoadedAgent(
        AgentDefinition definition, Treasury treasury, Supplier<Signer> signer, Planner planner, Toolbox toolbox) {}
