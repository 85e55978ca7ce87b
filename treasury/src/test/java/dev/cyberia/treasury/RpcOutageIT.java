package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.KeyOrigin;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Anvil;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node goes away between signing and broadcasting: the outcome is unknown, the journal keeps the bytes. */
class RpcOutageIT {
    @TempDir
    Path home;

    @Test
    void nodeDownAfterSigning_givesOutcomeUnknown_andReconcileFinishesWithTheSameBytes() {
        Devnet devnet = Devnet.at(home);
        DevnetInfo info = devnet.up(Anvil.freePort());
        Keystore keystore = Keystore.open(home);
        try (Mnemonic dev = Mnemonic.parse(Anvil.DEV_MNEMONIC.toCharArray())) {
            keystore.importMnemonic(
                    "payer",
                    dev,
                    Passphrase.empty(),
                    DerivationPath.ethereum(1),
                    Passphrase.wrap("pw".toCharArray()),
                    Kdf.LIGHT,
                    KeyOrigin.MNEMONIC);
        }
        Address payer = keystore.info("payer").address();
        Address payee = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
        devnet.fund(payer, BigInteger.ZERO, BigInteger.valueOf(9_000_000));
        Asset cyb = Asset.token("CYB", 6, info.token());
        String[] signedHash = new String[1];
        PaymentListener stopNodeAfterSigning = p -> {
            if (p.state() instanceof PaymentState.Signed s) {
                signedHash[0] = s.transactionHash();
                devnet.down();
            }
        };
        try (TreasuryDatabase db = TestDatabases.fresh();
                Signer signer = keystore.unlock("payer", Passphrase.wrap("pw".toCharArray()))) {
            Chain chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
            Treasury treasury = Treasury.open(
                    db,
                    chain,
                    cyb,
                    payer,
                    Clock.systemUTC(),
                    Treasury.Options.DEFAULT.withListener(stopNodeAfterSigning));
            PaymentRequest request =
                    new PaymentRequest("outage", payee, Amount.parse("1.5", cyb), "expenses:transfers");
            assertThatThrownBy(() -> treasury.pay(request, signer))
                    .isInstanceOf(OutcomeUnknownException.class)
                    .hasMessageContaining("never re-signed");
            assertThat(treasury.payment("outage").orElseThrow().state()).isInstanceOf(PaymentState.Signed.class);

            devnet.up(info.port());
            Treasury afterOutage = Treasury.open(
                    db,
                    Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID),
                    cyb,
                    payer,
                    Clock.systemUTC(),
                    Treasury.Options.DEFAULT);
            assertThat(afterOutage.reconcilePending()).singleElement().satisfies(p -> {
                assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class);
                assertThat(((PaymentState.Confirmed) p.state()).transactionHash())
                        .isEqualTo(signedHash[0]);
            });
            assertThat(Erc20.balanceOf(afterOutage.chain(), info.token(), payee))
                    .isEqualTo(1_500_000);
        } finally {
            devnet.down();
        }
    }
}
