package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Cyberia wallet pays the official x402 {@code batch-settlement} seller stack ({@code
 * @x402/express} with the {@code @x402/evm} batch-settlement server and facilitator, pinned in
 * {@code interop/x402}) many requests over one channel, on our channel contract on a real anvil:
 * the official server takes our deposit and vouchers, its own claim pays the seller exactly what our
 * books say we spent.
 */
class OfficialChannelSellerIT extends OnDevnet {
    private static NodeFixture seller;
    private static URI item;

    @BeforeAll
    static void startOfficialSeller() throws Exception {
        seller = NodeFixture.start(
                "x402",
                "channel-seller.mjs",
                "--rpc",
                info.rpcUrl().toString(),
                "--token",
                info.token().toString(),
                "--pay-to",
                address(2).toString(),
                "--price-units",
                "20000",
                "--facilitator-key",
                OfficialX402SellerIT.FACILITATOR_KEY,
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
    void aCyberiaWallet_paysTheOfficialChannelSeller_oneDepositThenVouchers_andTheClaimMatchesOurBooks()
            throws Exception {
        fundTokens(address(1), "10");
        Treasury buyer = treasury(address(1));
        BigInteger before = Erc20.balanceOf(chain, info.token(), address(2));
        long blockBefore = chain.blockNumber();
        try (Signer key = signer(1)) {
            for (int i = 0; i < 15; i++) {
                Purchase bought = buyer.buy(order("official-ch-" + i, item, cyb("0.05")), key, PurchaseGate.NONE);
                assertThat(bought.outcome()).isInstanceOfSatisfying(Purchase.Outcome.Served.class, s -> {
                    assertThat(s.answer().text()).contains("the item");
                    assertThat(s.price()).isEqualTo(cyb("0.02"));
                });
            }
        }
        assertThat(chain.blockNumber() - blockBefore).isEqualTo(1); // the deposit, sent by the official facilitator
        HttpResponse<String> claimed = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(item.resolve("/admin/claim-and-settle"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
        JsonNode result = new ObjectMapper().readTree(claimed.body());
        BigInteger paid = BigInteger.valueOf(15 * 20_000);
        assertThat(new BigInteger(
                        result.path("receiverState").path("totalSettled").asText()))
                .isEqualTo(paid);
        assertThat(Erc20.balanceOf(chain, info.token(), address(2))).isEqualTo(before.add(paid));
        assertThat(buyer.ledger().stream()
                        .filter(e -> e.account().equals("expenses:services"))
                        .map(LedgerEntry::amount)
                        .reduce(BigInteger.ZERO, BigInteger::add))
                .isEqualTo(paid);
        // what stays in the channel is the wallet's: deposited minus charged
        assertThat(buyer.ledger().stream()
                        .filter(e -> e.account().equals(cyb.channelAccount()))
                        .map(LedgerEntry::amount)
                        .reduce(BigInteger.ZERO, BigInteger::add))
                .isEqualTo(BigInteger.valueOf(20 * 20_000).subtract(paid));
    }
}
