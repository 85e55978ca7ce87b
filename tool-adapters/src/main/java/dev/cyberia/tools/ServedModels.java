package dev.cyberia.tools;

import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentMiner;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.InvalidAgentInputException;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.inference.ChatBackend;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.MinerServer;
import dev.cyberia.inference.OpenAiCompatibleChatModel;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.TokenDomain;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.function.Function;

/**
 * The model an agent mines, served for it ({@link AgentDefinition.Mines}): a {@link MinerServer}
 * on a port of its own on 127.0.0.1, paid into the agent's treasury (booked {@code
 * income:inference}), its receipts signed with the agent's key, each sale told to the node.
 */
public final class ServedModels {
    private ServedModels() {}

    /**
     * @param domain the token's EIP-712 domain (what buyers sign their payments in)
     * @param models opens a model folder, or gives the node's open copy of it
     * @throws InvalidAgentInputException when the model cannot be served
     */
    public static AgentMiner start(
            AgentRecord record,
            LoadedAgent agent,
            AgentDefinition.Mines mines,
            AgentMiner.Sales sold,
            TokenDomain domain,
            Function<Path, LocalModel> models,
            Clock clock) {
        ChatBackend backend;
        if (mines.model() != null) {
            Path dir =
                    record.definitionPath().getParent().resolve(mines.model()).normalize();
            backend = ChatBackend.local(models.apply(dir));
        } else {
            if (mines.modelName() == null) {
                throw new InvalidAgentInputException(
                        "'mines.upstream' needs 'mines.modelName': the upstream's model to resell");
            }
            backend = ChatBackend.upstream(new OpenAiCompatibleChatModel(mines.upstream(), mines.modelName(), null));
        }
        if (mines.modelName() != null && !mines.modelName().equals(backend.name())) {
            backend = ChatBackend.named(backend, mines.modelName());
        }
        Amount price = Amount.parse(
                mines.price().toPlainString(), agent.treasury().assets().get(1));
        MinerServer server;
        try {
            server = MinerServer.start(
                    MinerServer.Config.local(0, price, domain),
                    backend,
                    agent.treasury(),
                    agent.signer().get(),
                    clock);
        } catch (java.io.UncheckedIOException e) {
            throw new InvalidAgentInputException("cannot serve " + backend.name() + ": " + e.getMessage(), e);
        }
        server.onSale(s -> sold.sold(s.price(), s.payer().toString(), s.transaction(), s.payment()));
        String model = backend.name();
        return new AgentMiner() {
            @Override
            public URI endpoint() {
                return server.baseUri();
            }

            @Override
            public String model() {
                return model;
            }

            @Override
            public Amount price() {
                return price;
            }

            @Override
            public Set<String> schemes() {
                return server.schemes();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
