package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.keystore.Address;
import dev.cyberia.tools.Skill;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PaymentState;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.regex.Pattern;

/** Pays an address in the treasury's token, through the policy gate and the payment journal. */
public final class PaySkill {
    private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    @Tool(name = "pay", value = "Pay an address in the agent's token. Amount in token units, e.g. \"0.25\".")
    @Skill(sideEffect = SideEffect.MOVES_MONEY)
    public String pay(
            @P("the payee's 0x address") String to,
            @P("the amount in token units, e.g. \"0.25\"") String amount,
            @P("what it pays for, one lower-case word, e.g. services") String purpose,
            CallContext context) {
        Address payee = Address.parse(to.trim());
        Amount value = Amount.parsePositive(amount.trim(), context.token());
        if (!PURPOSE.matcher(purpose).matches()) {
            throw new IllegalArgumentException("purpose '" + purpose + "' must be one lower-case word");
        }
        Payment payment = context.pay(payee, value, purpose);
        return switch (payment.state()) {
            case PaymentState.Confirmed c -> "paid " + value + " to " + payee + " in " + c.transactionHash();
            case PaymentState.Broadcast b ->
                "sent " + value + " to " + payee + " in " + b.transactionHash() + ", not yet confirmed";
            default -> "payment #" + payment.id() + " is " + payment.state().name();
        };
    }
}
