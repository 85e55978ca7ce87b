package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;

/**
 * A payer process for CrashRecoveryIT: pays once, and when the journal reaches the named state it
 * says so on stdout and freezes, waiting to be killed with SIGKILL.
 *
 * <p>Arguments: jdbcUrl rpcUrl tokenAddress keystoreHome keyName passphrase idempotencyKey payee units stopState
 */
public final class CrashingPayer {
    private CrashingPayer() {}

    public static void main(String[] args) throws Exception {
        ChildJvm.withWallet(
                args,
                args[9],
                (treasury, signer, cyb) -> treasury.pay(
                                new PaymentRequest(
                                        args[6],
                                        Address.parse(args[7]),
                                        Amount.parse(args[8], cyb),
                                        "expenses:transfers"),
                                signer)
                        .state()
                        .name());
    }
}
