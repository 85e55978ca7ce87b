package dev.cyberia.treasury;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A buyer process for PurchaseCrashIT: buys once over x402, and when the journal reaches the named
 * state it says so on stdout and freezes, waiting to be killed with SIGKILL ("NONE": never freezes;
 * the test kills it while the seller answers).
 *
 * <p>Arguments: jdbcUrl rpcUrl tokenAddress keystoreHome keyName passphrase idempotencyKey sellerUrl stopState
 */
public final class CrashingBuyer {
    private CrashingBuyer() {}

    public static void main(String[] args) throws Exception {
        ChildJvm.withWallet(args, args[8], (treasury, signer, cyb) -> {
            System.out.println("BUYING");
            System.out.flush();
            Purchase p = treasury.buy(
                    new PurchaseOrder(
                            args[6],
                            URI.create(args[7]),
                            "{}".getBytes(StandardCharsets.UTF_8),
                            Amount.parse("1", cyb),
                            "expenses:services",
                            Optional.empty(),
                            Duration.ofSeconds(30)),
                    signer,
                    PurchaseGate.NONE);
            return p.outcome().getClass().getSimpleName();
        });
    }
}
