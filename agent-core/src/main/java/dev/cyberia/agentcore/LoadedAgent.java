package dev.cyberia.agentcore;

import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Treasury;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An agent ready to tick: its definition, its treasury, its key (unlocked on first use), its
 * planner and its tools, and the market registry where it publishes and finds offers, if any.
 */
public record LoadedAgent(
        AgentDefinition definition,
        Treasury treasury,
        Supplier<Signer> signer,
        Planner planner,
        Toolbox toolbox,
        Optional<MarketRegistry> market,
        Optional<dev.cyberia.treasury.TrustRegistries> trust) {

    /** An agent with no market registry and no ERC-8004 registries. */
    public LoadedAgent(
            AgentDefinition definition, Treasury treasury, Supplier<Signer> signer, Planner planner, Toolbox toolbox) {
        this(definition, treasury, signer, planner, toolbox, Optional.empty(), Optional.empty());
    }

    /** An agent with a market registry and no ERC-8004 registries. */
    public LoadedAgent(
            AgentDefinition definition,
            Treasury treasury,
            Supplier<Signer> signer,
            Planner planner,
            Toolbox toolbox,
            Optional<MarketRegistry> market) {
        this(definition, treasury, signer, planner, toolbox, market, Optional.empty());
    }
}
