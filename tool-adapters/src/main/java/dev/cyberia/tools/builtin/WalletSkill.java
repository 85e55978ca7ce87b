package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.langchain4j.agent.tool.Tool;

/** Reads the agent's own balances. */
public final class WalletSkill {
    @Tool(name = "wallet_balance", value = "The agent's token and ether balances and its address.")
    public String balance(CallContext context) {
        return context.balance() + " and " + context.etherBalance() + " at " + context.address();
    }
}
