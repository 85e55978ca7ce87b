package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The devnet lifecycle against a real anvil installed from npm into the test's home. */
class DevnetIT {
    private static final Address ALICE = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    @TempDir
    Path home;

    private Devnet devnet;

    @AfterEach
    void stop() {
        if (devnet != null) {
            devnet.down();
        }
    }

    @Test
    void up_deploysComputeToken_persistsStateAcrossDownAndUp_andResetStartsAfresh() {
        devnet = Devnet.at(home);
        DevnetInfo first = devnet.up(dev.cyberia.treasury.internal.Anvil.freePort());
        assertThat(first.chainId()).isEqualTo(31337);
        assertThat(first.rpcUrl().getHost()).isEqualTo("127.0.0.1");
        Chain chain = Chain.connect(first.rpcUrl(), 31337);
        assertThat(Erc20.symbol(chain, first.token())).isEqualTo("CYB");
        assertThat(Erc20.decimals(chain, first.token())).isEqualTo(6);

        assertThat(devnet.up(first.port())).as("a second up is a no-op").isEqualTo(first);

        devnet.fund(ALICE, BigInteger.TEN.pow(18), BigInteger.valueOf(5_000_000));
        BigInteger eth = chain.balance(ALICE);
        assertThat(Erc20.balanceOf(chain, first.token(), ALICE)).isEqualTo(5_000_000);
        long height = chain.blockNumber();

        devnet.down();
        assertThat(devnet.isRunning()).isFalse();
        DevnetInfo again = devnet.up(first.port());
        Chain restarted = Chain.connect(again.rpcUrl(), 31337);
        assertThat(again.token()).isEqualTo(first.token());
        assertThat(again.funded()).containsExactly(ALICE);
        assertThat(restarted.blockNumber()).isGreaterThanOrEqualTo(height);
        assertThat(restarted.balance(ALICE)).isEqualTo(eth);
        assertThat(Erc20.balanceOf(restarted, again.token(), ALICE)).isEqualTo(5_000_000);

        DevnetInfo fresh = devnet.reset(first.port());
        Chain afterReset = Chain.connect(fresh.rpcUrl(), 31337);
        assertThat(Erc20.balanceOf(afterReset, fresh.token(), ALICE)).isZero();
        assertThat(fresh.funded()).isEmpty();
    }

    @Test
    void connect_toAnotherChainId_isRefusedWithClearMessage() {
        devnet = Devnet.at(home);
        DevnetInfo info = devnet.up(dev.cyberia.treasury.internal.Anvil.freePort());
        assertThatThrownBy(() -> Chain.connect(info.rpcUrl(), 1))
                .isInstanceOf(InvalidTreasuryInputException.class)
                .hasMessageContaining("serves chain id 31337, not the configured 1");
    }

    @Test
    void unreachableRpc_isRetriedThenReportedClearly() {
        URI nobody = URI.create("http://127.0.0.1:" + dev.cyberia.treasury.internal.Anvil.freePort());
        assertThatThrownBy(() -> Chain.connect(nobody, 31337))
                .isInstanceOf(RpcUnavailableException.class)
                .hasMessageContaining("unreachable after 5 attempts")
                .hasMessageContaining("cyberia devnet up")
                .satisfies(e -> assertThat(((TreasuryException) e).retriable()).isTrue());
    }
}
