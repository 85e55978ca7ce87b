package ${package};

import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.keystore.Address;
import dev.cyberia.tools.Skill;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Payment;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/**
 * A skill that spends: it moves money, so every call passes the agent's policy gate (tier, budgets,
 * the payee allowlist) and the treasury's spend policy, and is paid exactly once per tick step.
 */
public class Tipper {
    @Tool(name = "tip", value = "Tips an address a small amount of the agent's token.")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String tip(
            @P("the address to tip, 0x…") String to,
            @P("the amount in token units, e.g. \"0.001\"") String amount,
            CallContext context) {
        Payment payment = context.pay(Address.parse(to), Amount.parsePositive(amount, context.token()), "tips");
        return "tipped " + amount + " to " + to + ": payment #" + payment.id() + " " + payment.state().name();
    }
}
