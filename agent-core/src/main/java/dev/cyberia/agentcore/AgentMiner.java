package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import java.net.URI;
import java.util.Set;

/** A model served for an agent that mines, while it is an OWNER: started and stopped by its node. */
public interface AgentMiner extends AutoCloseable {
    /** Where buyers call it (its OpenAI-compatible base URL). */
    URI endpoint();

    /** The model's name, as buyers ask for it. */
    String model();

    /** What one answer costs. */
    Amount price();

    /** The x402 schemes it takes ({@code exact}, and {@code batch-settlement} when it can claim channels). */
    Set<String> schemes();

    /** Stops serving; answers under way finish. */
    @Override
    void close();

    /** Told of each answer sold, once its payment is in the agent's books. */
    @FunctionalInterface
    interface Sales {
        /**
         * @param payment the journal's payment id for an exact payment, or a channel's id and a
         *     unique suffix
         */
        void sold(Amount price, String buyer, String transaction, String payment);
    }
}
