package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Cyberia wallet buys from the official x402 v2 seller stack (the {@code @x402/express}
 * middleware with the {@code @x402/core} facilitator and the {@code @x402/evm} exact scheme,
 * pinned in {@code interop/x402}, installed with {@code npm ci}), settling on the real
 * anvil: the official server accepts our echo of its requirement and our payment-identifier, the
 * money moves once, and the books equal the chain — with no Cyberia receipt anywhere.
 */
class OfficialX402SellerIT extends OnDevnet {
    /** anvil's dev account #3 (the facilitator pays the gas of settling). */
    static final String FACILITATOR_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

    private static NodeFixture seller;
    private static URI item;

    @BeforeAll
    static void startOfficialSeller() throws Exception {
        seller = NodeFixture.start(
                "x402",
                "seller.mjs",
                "--rpc",
                info.rpcUrl().toString(),
                "--token",
                info.token().toString(),
                "--pay-to",
                address(2).toString(),
                "--price-units",
                "250000",
                "--facilitator-key",
                FACILITATOR_KEY,
                "--port",
                "0");
        item = seller.url();
    }

    @AfterAll
    static void stopOfficialSeller() {
        if (seller != null) {
            seller.close();
        }
    }

    @Test
    void aCyberiaWallet_paysTheOfficialSeller_once_andItsBooksEqualTheChain() throws Exception {
        fundTokens(address(1), "10");
        Treasury buyer = treasury(address(1));
        buyer.bookInflow(cyb("10"), "equity:faucet", "funding-cyb", "faucet");
        buyer.bookInflow(buyer.balance(Asset.ether()), "equity:faucet", "funding-eth", "faucet");
        BigInteger before = Erc20.balanceOf(chain, info.token(), address(2));
        try (Signer key = signer(1)) {
            Purchase bought = buyer.buy(order("official-1", item, cyb("1")), key, PurchaseGate.NONE);
            assertThat(bought.outcome()).isInstanceOfSatisfying(Purchase.Outcome.Served.class, s -> {
                assertThat(s.answer().status()).isEqualTo(200);
                assertThat(s.answer().text()).contains("the item");
                assertThat(s.answer().header(X402.PAYMENT_RESPONSE)).isPresent();
                assertThat(s.transaction()).isPresent();
                assertThat(s.seller()).isEqualTo(address(2));
            });
            Purchase again = buyer.buy(order("official-1", item, cyb("1")), key, PurchaseGate.NONE);
            assertThat(again.outcome())
                    .isInstanceOfSatisfying(
                            Purchase.Outcome.Served.class,
                            s -> assertThat(s.fromJournal()).isTrue());
        }
        assertThat(Erc20.balanceOf(chain, info.token(), address(2))).isEqualTo(before.add(BigInteger.valueOf(250_000)));
        assertThat(buyer.ledger())
                .filteredOn(e -> e.account().equals("expenses:services"))
                .singleElement()
                .satisfies(e -> assertThat(e.amount()).isEqualTo(BigInteger.valueOf(250_000)));
        assertThat(buyer.reconcileBooks()).allMatch(Treasury.Drift::none);
    }

    @Test
    void aCapBelowTheOfficialSellersPrice_signsNothing() throws Exception {
        fundTokens(address(1), "10");
        Treasury buyer = treasury(address(1));
        try (Signer key = signer(1)) {
            Purchase refused = buyer.buy(
                    new PurchaseOrder(
                            "official-cap",
                            item,
                            new byte[0],
                            cyb("0.1"),
                            "expenses:services",
                            Optional.empty(),
                            Duration.ofSeconds(30)),
                    key,
                    PurchaseGate.NONE);
            assertThat(refused.outcome())
                    .isInstanceOfSatisfying(
                            Purchase.Outcome.NotPaid.class,
                            n -> assertThat(n.reason()).contains("above the cap"));
            assertThat(refused.payment()).isEmpty();
        }
        assertThat(Erc20.balanceOf(chain, info.token(), address(1))).isEqualTo(BigInteger.valueOf(10_000_000));
    }
}
