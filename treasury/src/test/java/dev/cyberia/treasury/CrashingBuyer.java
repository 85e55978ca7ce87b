package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
        String stopAt = args[8];
        PaymentListener freezeAt = ChildJvm.freezeAt(stopAt);
        Chain chain = Chain.connect(URI.create(args[1]), Devnet.CHAIN_ID);
        Asset cyb = Asset.token("CYB", 6, Address.parse(args[2]));
        try (TreasuryDatabase db = TreasuryDatabase.open(args[0]);
                Passphrase passphrase = Passphrase.wrap(args[5].toCharArray());
                Signer signer = Keystore.open(Path.of(args[3])).unlock(args[4], passphrase)) {
            Treasury treasury = Treasury.open(
                    db,
                    chain,
                    cyb,
                    signer.address(),
                    Clock.systemUTC(),
                    Treasury.Options.DEFAULT.withListener(freezeAt));
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
            System.out.println("FINISHED " + p.outcome().getClass().getSimpleName());
        }
    }
}
