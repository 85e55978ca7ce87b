package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Circle's USDC (FiatTokenV2_2 behind FiatTokenProxy, the bytecode Circle compiled, deployed by
 * {@code devnet up --usdc}) next to CYB on the devnet: its EIP-712 domain is read without
 * EIP-5267, and x402 purchases settle in it, with our seller and with the official one.
 */
class UsdcIT extends OnDevnet {
    static Address usdcToken;
    static Asset usdc;

    @BeforeAll
    static void deployUsdc() {
        usdcToken = devnet.up(info.port(), true).usdc();
        usdc = Asset.readFrom(chain, usdcToken);
    }

    private static Amount usdc(String units) {
        return Amount.parse(units, usdc);
    }

    private Treasury wallet(Address owner) {
        return Treasury.open(db, chain, usdc, owner, Clock.systemUTC(), Treasury.Options.DEFAULT);
    }

    private Treasury fundedBuyer() {
        devnet.fund(address(1), BigInteger.ZERO, BigInteger.ZERO, usdc("10").baseUnits());
        Treasury buyer = wallet(address(1));
        buyer.bookInflow(usdc("10"), "equity:faucet", "funding-usdc", "faucet");
        buyer.bookInflow(buyer.balance(Asset.ether()), "equity:faucet", "funding-eth", "faucet");
        return buyer;
    }

    @Test
    void usdcIsCirclesToken_andItsDomainIsReadFromNameAndVersion_checkedAgainstItsSeparator() {
        assertThat(usdc.symbol()).isEqualTo("USDC");
        assertThat(usdc.decimals()).isEqualTo(6);
        assertThat(devnet.up(info.port(), true).usdc()).as("deployed once").isEqualTo(usdcToken);
        TokenDomain domain = TokenDomain.readFrom(chain, usdcToken);
        assertThat(domain).isEqualTo(new TokenDomain("USD Coin", "2", Devnet.CHAIN_ID, usdcToken));
        assertThat(domain.separator())
                .isEqualTo(chain.call(usdcToken, dev.cyberia.treasury.internal.Abi.call("DOMAIN_SEPARATOR()")));
        assertThat(TokenDomain.declared(chain, usdcToken, "USD Coin:2")).isEqualTo(domain);
        assertThatThrownBy(() -> TokenDomain.declared(chain, usdcToken, "USD Coin:1"))
                .isInstanceOf(InvalidTreasuryInputException.class)
                .hasMessageContaining("DOMAIN_SEPARATOR()");
        assertThat(TokenDomain.readFrom(chain, info.token()))
                .as("CYB still through EIP-5267")
                .isEqualTo(new TokenDomain("ComputeToken", "1", Devnet.CHAIN_ID, info.token()));
    }

    @Test
    void aWalletBuysInUsdc_fromACyberiaSeller_once_andBothBooksEqualTheChain() throws Exception {
        Treasury buyer = fundedBuyer();
        Treasury sellerWallet = wallet(address(2));
        sellerWallet.bookInflow(sellerWallet.balance(Asset.ether()), "equity:faucet", "funding-eth", "faucet");
        try (TestSeller seller = new TestSeller(sellerWallet, signer(2), usdc("0.25"), address(3));
                Signer key = signer(1)) {
            Purchase bought = buyer.buy(order("usdc-1", seller.url(), usdc("1")), key, PurchaseGate.NONE);
            assertThat(bought.outcome()).isInstanceOf(Purchase.Outcome.Served.class);
        }
        assertThat(Erc20.balanceOf(chain, usdcToken, address(2))).isEqualTo(BigInteger.valueOf(250_000));
        assertThat(Erc20.balanceOf(chain, usdcToken, address(1))).isEqualTo(BigInteger.valueOf(9_750_000));
        assertThat(sellerWallet.ledger())
                .filteredOn(e -> e.account().equals("income:services"))
                .singleElement()
                .satisfies(e -> assertThat(e.amount()).as("a credit").isEqualTo(BigInteger.valueOf(-250_000)));
        assertThat(buyer.reconcileBooks()).allMatch(Treasury.Drift::none);
        assertThat(sellerWallet.reconcileBooks()).allMatch(Treasury.Drift::none);
    }

    @Test
    void aWalletPaysTheOfficialX402SellerInUsdc() throws Exception {
        Treasury buyer = fundedBuyer();
        try (NodeFixture official = NodeFixture.start(
                        "x402",
                        "seller.mjs",
                        "--rpc",
                        info.rpcUrl().toString(),
                        "--token",
                        usdcToken.toString(),
                        "--token-name",
                        "USD Coin",
                        "--token-version",
                        "2",
                        "--pay-to",
                        address(2).toString(),
                        "--price-units",
                        "250000",
                        "--facilitator-key",
                        OfficialX402SellerIT.FACILITATOR_KEY,
                        "--port",
                        "0");
                Signer key = signer(1)) {
            Purchase bought = buyer.buy(order("usdc-official", official.url(), usdc("1")), key, PurchaseGate.NONE);
            assertThat(bought.outcome())
                    .isInstanceOfSatisfying(
                            Purchase.Outcome.Served.class,
                            s -> assertThat(s.answer().text()).contains("the item"));
        }
        assertThat(Erc20.balanceOf(chain, usdcToken, address(2))).isEqualTo(BigInteger.valueOf(250_000));
        assertThat(buyer.reconcileBooks()).allMatch(Treasury.Drift::none);
    }
}
