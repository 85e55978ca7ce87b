package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.KeyOrigin;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Anvil;
import dev.cyberia.treasury.internal.JsonRpcChain;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real anvil devnet per test class (installed from npm into a temp home), reverted to a
 * snapshot after every test, and a fresh in-memory journal per test.
 */
abstract class OnDevnet {
    static final String PASSPHRASE = "test-passphrase";
    static Path home;
    static Devnet devnet;
    static DevnetInfo info;
    static Chain chain;
    static Asset cyb;
    static Keystore keystore;

    TreasuryDatabase db;
    private String snapshot;

    @BeforeAll
    static void startDevnet() throws IOException {
        home = Files.createTempDirectory("cyberia-devnet-test");
        devnet = Devnet.at(home);
        info = devnet.up(Anvil.freePort());
        chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        cyb = Asset.token("CYB", 6, info.token());
        keystore = Keystore.open(home);
        try (Mnemonic dev = Mnemonic.parse(Anvil.DEV_MNEMONIC.toCharArray())) {
            for (int i = 1; i <= 4; i++) {
                keystore.importMnemonic(
                        "dev" + i,
                        dev,
                        Passphrase.empty(),
                        DerivationPath.ethereum(i),
                        Passphrase.wrap(PASSPHRASE.toCharArray()),
                        Kdf.LIGHT,
                        KeyOrigin.MNEMONIC);
            }
        }
    }

    @AfterAll
    static void stopDevnet() {
        devnet.down();
    }

    @BeforeEach
    void snapshotChain() {
        snapshot = ((JsonRpcChain) chain).client().call("evm_snapshot").asText();
        db = TestDatabases.fresh();
    }

    @AfterEach
    void revertChain() {
        JsonNode reverted = ((JsonRpcChain) chain).client().call("evm_revert", snapshot);
        if (!reverted.asBoolean()) {
            throw new IllegalStateException("evm_revert failed");
        }
        db.close();
    }

    static Signer signer(int account) {
        try (Passphrase p = Passphrase.wrap(PASSPHRASE.toCharArray())) {
            return keystore.unlock("dev" + account, p);
        }
    }

    static Address address(int account) {
        return keystore.info("dev" + account).address();
    }

    Treasury treasury(Address wallet) {
        return Treasury.open(db, chain, cyb, wallet, Clock.systemUTC(), Treasury.Options.DEFAULT);
    }

    static Amount cyb(String units) {
        return Amount.parse(units, cyb);
    }

    /** A purchase of {@code url} with an empty JSON body, within {@code cap}, booked to {@code expenses:services}. */
    static PurchaseOrder order(String key, java.net.URI url, Amount cap) {
        return new PurchaseOrder(
                key,
                url,
                "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                cap,
                "expenses:services",
                java.util.Optional.empty(),
                java.time.Duration.ofSeconds(30));
    }

    static void fundTokens(Address to, String units) {
        devnet.fund(to, BigInteger.ZERO, cyb(units).baseUnits());
    }
}
