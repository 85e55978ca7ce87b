package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A payer process for CrashRecoveryIT: pays once, and when the journal reaches the named state it
 * says so on stdout and freezes, waiting to be killed with SIGKILL.
 *
 * <p>Arguments: jdbcUrl rpcUrl tokenAddress keystoreHome keyName passphrase idempotencyKey payee units stopState
 */
public final class CrashingPayer {
    private CrashingPayer() {}

    public static void main(String[] args) throws Exception {
        String stopAt = args[9];
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
            Payment p = treasury.pay(
                    new PaymentRequest(
                            args[6], Address.parse(args[7]), Amount.parse(args[8], cyb), "expenses:transfers"),
                    signer);
            System.out.println("FINISHED " + p.state().name());
        }
    }
}
