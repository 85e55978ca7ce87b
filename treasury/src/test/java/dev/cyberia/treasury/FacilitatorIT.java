package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seller without ETH sells through the official x402 facilitator ({@code @x402/core} +
 * {@code @x402/evm}, {@code interop/x402/facilitator.mjs}, which pays the gas): the payment is
 * journaled before the facilitator is asked and booked once from what the chain shows, even when
 * the facilitator's answer is lost or its settlement comes late.
 */
class FacilitatorIT extends OnDevnet {
    private static NodeFixture facilitator;

    @BeforeAll
    static void startFacilitator() throws Exception {
        facilitator = NodeFixture.start(
                "x402",
                "facilitator.mjs",
                "--rpc",
                info.rpcUrl().toString(),
                "--key",
                OfficialX402SellerIT.FACILITATOR_KEY,
                "--port",
                "0");
    }

    @AfterAll
    static void stopFacilitator() {
        if (facilitator != null) {
            facilitator.close();
        }
    }

    /** A fresh wallet that has never held ETH. */
    private static Address brokeSeller() {
        try (Passphrase p = Passphrase.wrap(PASSPHRASE.toCharArray())) {
            return keystore.generate("broke-" + UUID.randomUUID().toString().substring(0, 8), p, Kdf.LIGHT)
                    .address();
        }
    }

    private Treasury fundedBuyer() {
        fundTokens(address(1), "10");
        Treasury buyer = treasury(address(1));
        buyer.bookInflow(cyb("10"), "equity:faucet", "funding-cyb", "faucet");
        buyer.bookInflow(buyer.balance(Asset.ether()), "equity:faucet", "funding-eth", "faucet");
        return buyer;
    }

    private static void assertBookedOnce(Treasury seller, long units) {
        assertThat(seller.ledger())
                .filteredOn(e -> e.account().equals("income:services"))
                .singleElement()
                .satisfies(e -> assertThat(e.amount()).isEqualTo(BigInteger.valueOf(-units)));
        assertThat(seller.ledger()).noneMatch(e -> e.account().startsWith("expenses:gas"));
        assertThat(seller.reconcileBooks()).allMatch(Treasury.Drift::none);
    }

    @Test
    void theFacilitatorSupportsOurNetwork() {
        assertThat(X402Facilitator.at(facilitator.url()).supports(X402.network(Devnet.CHAIN_ID)))
                .isTrue();
        assertThat(X402Facilitator.at(facilitator.url()).supports("eip155:999999"))
                .isFalse();
    }

    @Test
    void aSellerWithoutEth_sellsThroughTheOfficialFacilitator_andBooksItOnce() throws Exception {
        Treasury buyer = fundedBuyer();
        Address broke = brokeSeller();
        Treasury sellerWallet = treasury(broke);
        try (TestSeller seller = new TestSeller(sellerWallet, X402Facilitator.at(facilitator.url()), cyb("0.25"));
                Signer key = signer(1)) {
            Purchase bought = buyer.buy(order("through-facilitator", seller.url(), cyb("1")), key, PurchaseGate.NONE);
            assertThat(bought.outcome()).isInstanceOfSatisfying(Purchase.Outcome.Served.class, s -> {
                assertThat(s.answer().text()).isEqualTo("the item");
                assertThat(s.transaction()).isPresent();
            });
            Purchase again = buyer.buy(order("through-facilitator", seller.url(), cyb("1")), key, PurchaseGate.NONE);
            assertThat(again.outcome())
                    .isInstanceOfSatisfying(
                            Purchase.Outcome.Served.class,
                            s -> assertThat(s.fromJournal()).isTrue());
            assertThat(seller.paidRequests).hasValue(1);
        }
        assertThat(chain.balance(broke)).as("the seller never held ETH").isZero();
        assertThat(Erc20.balanceOf(chain, info.token(), broke)).isEqualTo(BigInteger.valueOf(250_000));
        assertBookedOnce(sellerWallet, 250_000);
        assertThat(sellerWallet.ledger())
                .allSatisfy(e -> assertThat(e.transactionHash()).isNotBlank());
        assertThat(buyer.reconcileBooks()).allMatch(Treasury.Drift::none);
    }

    @Test
    void aLostAnswer_thenALateSettlement_isBookedOnceFromTheChain_byReconcile() throws Exception {
        Treasury buyer = fundedBuyer();
        Address broke = brokeSeller();
        Treasury sellerWallet = treasury(broke);
        try (Blackhole hole = new Blackhole(facilitator.url());
                TestSeller seller = new TestSeller(sellerWallet, X402Facilitator.at(hole.url()), cyb("0.25"));
                Signer key = signer(1)) {
            Purchase bought = buyer.buy(order("lost-settle", seller.url(), cyb("1")), key, PurchaseGate.NONE);
            assertThat(bought.outcome()).isNotInstanceOf(Purchase.Outcome.Served.class);
            assertThat(seller.served).hasValue(0);
            assertThat(sellerWallet.ledger()).noneMatch(e -> e.account().equals("income:services"));
            assertThat(sellerWallet.reconcilePending())
                    .as("not settled yet, not expired")
                    .isEmpty();

            hole.settleLate(); // the facilitator settles after all, long after the seller gave up
            assertThat(sellerWallet.reconcilePending())
                    .singleElement()
                    .satisfies(p -> assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class));
            assertThat(sellerWallet.reconcilePending()).as("booked once").isEmpty();
        }
        assertThat(Erc20.balanceOf(chain, info.token(), broke)).isEqualTo(BigInteger.valueOf(250_000));
        assertBookedOnce(sellerWallet, 250_000);
        buyer.reconcilePending();
        assertThat(buyer.reconcileBooks()).allMatch(Treasury.Drift::none);
    }

    /**
     * A facilitator whose /settle never answers: it keeps the request, and forwards it to the real
     * facilitator only when told (a settlement that comes late, after the seller gave up).
     */
    private static final class Blackhole implements AutoCloseable {
        private final HttpServer server;
        private final URI target;
        private volatile byte[] kept;

        Blackhole(URI target) throws IOException {
            this.target = target;
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/settle", this::swallow);
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        private void swallow(HttpExchange exchange) throws IOException {
            kept = exchange.getRequestBody().readAllBytes();
            exchange.close(); // no answer at all
        }

        void settleLate() throws Exception {
            assertThat(kept).as("the seller asked for settlement").isNotNull();
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(target.resolve("/settle"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(kept))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).contains("\"success\":true");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
