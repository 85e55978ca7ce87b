package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Signer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * x402 {@code batch-settlement} between our buyer and our seller on a real devnet, with the channel
 * contract placed where the scheme expects it: one deposit, a voucher per request, one claim.
 */
class ChannelIT extends OnDevnet {

    @Test
    void manyRequestsOverOneChannelCostOneDepositAndOneClaim() throws Exception {
        fundTokens(address(1), "100");
        Treasury buyer = treasury(address(1));
        Treasury sellerWallet = treasury(address(2));
        Amount price = cyb("0.05");
        BigInteger sellerBefore = chain.balanceOf(cyb, address(2)).baseUnits();
        try (Signer payer = signer(1);
                Signer seller = signer(2);
                TestSeller shop = new TestSeller(sellerWallet, seller, price, address(2))) {
            shop.mode = TestSeller.Mode.CHANNEL;
            long blockBefore = chain.blockNumber();
            List<Purchase> bought = new ArrayList<>();
            for (int i = 0; i < 25; i++) { // 20 fit the first deposit; the 21st tops it up
                bought.add(buyer.buy(order("ch-" + i, shop.url(), cyb("0.05")), payer, PurchaseGate.NONE));
            }
            assertThat(bought).allSatisfy(p -> assertThat(p.outcome()).isInstanceOf(Purchase.Outcome.Served.class));
            // a retry of a bought request gets its answer from the journal: no second voucher
            Purchase again = buyer.buy(order("ch-3", shop.url(), cyb("0.05")), payer, PurchaseGate.NONE);
            assertThat(again.outcome())
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.type(Purchase.Outcome.Served.class))
                    .satisfies(s -> assertThat(s.fromJournal()).isTrue());
            assertThat(shop.served.get()).isEqualTo(25);
            // deposits: the first (20 × 0.05 = 1.00 CYB) and one top-up; nothing else went on chain
            assertThat(chain.blockNumber() - blockBefore).isEqualTo(2);

            BigInteger charged = BigInteger.valueOf(50_000L * 25);
            assertThat(buyer.ledger().stream()
                            .filter(e -> e.account().equals("expenses:services"))
                            .map(LedgerEntry::amount)
                            .reduce(BigInteger.ZERO, BigInteger::add))
                    .isEqualTo(charged);
            assertThat(chain.balanceOf(cyb, address(1))).isEqualTo(cyb("98")); // two deposits of 1.00
            assertThat(account(buyer, cyb.channelAccount()))
                    .isEqualTo(cyb("2").baseUnits().subtract(charged));

            X402Paywall.Claims claims = shop.paywall().claimChannels();
            assertThat(claims.channels()).isEqualTo(1);
            assertThat(claims.paidOut()).isEqualTo(charged);
            assertThat(chain.balanceOf(cyb, address(2)).baseUnits().subtract(sellerBefore))
                    .isEqualTo(charged);
            assertThat(sellerWallet.reconcileBooks()) // its ETH was never booked in: only the token is compared
                    .filteredOn(d -> d.asset().equals(cyb))
                    .allSatisfy(d -> assertThat(d.none()).isTrue());
            assertThat(account(sellerWallet, cyb.receivableAccount())).isZero();
            // a second round finds nothing and sends nothing
            long head = chain.blockNumber();
            assertThat(shop.paywall().claimChannels().transaction()).isEmpty();
            assertThat(chain.blockNumber()).isEqualTo(head);
        }
    }

    @Test
    void aRequestIsChargedWhatTheSellerCountsUpToThePrice() throws Exception {
        fundTokens(address(1), "10");
        Treasury buyer = treasury(address(1));
        Treasury sellerWallet = treasury(address(2));
        try (Signer payer = signer(1);
                Signer seller = signer(2);
                TestSeller shop = new TestSeller(sellerWallet, seller, cyb("0.05"), address(2))) {
            shop.mode = TestSeller.Mode.CHANNEL;
            shop.channelCharge = BigInteger.valueOf(30_000);
            for (int i = 0; i < 3; i++) {
                Purchase p = buyer.buy(order("tok-" + i, shop.url(), cyb("0.05")), payer, PurchaseGate.NONE);
                assertThat(p.outcome())
                        .asInstanceOf(
                                org.assertj.core.api.InstanceOfAssertFactories.type(Purchase.Outcome.Served.class))
                        .satisfies(s -> assertThat(s.price()).isEqualTo(cyb("0.03")));
                assertThat(p.payment().orElseThrow().amount()).isEqualTo(cyb("0.03"));
            }
            assertThat(account(buyer, "expenses:services")).isEqualTo(BigInteger.valueOf(90_000));
            assertThat(shop.paywall().claimChannels().paidOut()).isEqualTo(BigInteger.valueOf(90_000));
        }
    }

    @Test
    void aBuyerLeavesAChannelAlone_afterItsDelay_andGetsBackWhatWasNotCharged() throws Exception {
        fundTokens(address(1), "10");
        Treasury buyer = treasury(address(1));
        Treasury sellerWallet = treasury(address(2));
        try (Signer payer = signer(1);
                Signer seller = signer(2);
                TestSeller shop = new TestSeller(sellerWallet, seller, cyb("0.05"), address(2))) {
            shop.mode = TestSeller.Mode.CHANNEL;
            for (int i = 0; i < 4; i++) {
                buyer.buy(order("leave-" + i, shop.url(), cyb("0.05")), payer, PurchaseGate.NONE);
            }
            Treasury.Channel channel = buyer.channels().get(0);
            assertThat(channel.deposited()).isEqualTo(cyb("1"));
            assertThat(channel.charged()).isEqualTo(cyb("0.2"));
            Treasury.Channel leaving = buyer.leaveChannel(channel.id(), payer);
            assertThat(leaving.withdrawableFrom()).isPresent();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> buyer.leaveChannel(channel.id(), payer))
                    .isInstanceOf(InvalidTreasuryInputException.class)
                    .hasMessageContaining("withdrawal delay");
            // the seller claims its vouchers during the delay: it is paid what it charged, no more
            assertThat(shop.paywall().claimChannels().paidOut())
                    .isEqualTo(cyb("0.2").baseUnits());
            var client = ((dev.cyberia.treasury.internal.JsonRpcChain) chain).client();
            client.call("evm_increaseTime", ChannelConfig.MIN_WITHDRAW_DELAY + 1);
            client.call("evm_mine");
            Treasury later = Treasury.open(
                    db,
                    chain,
                    cyb,
                    address(1),
                    java.time.Clock.offset(
                            java.time.Clock.systemUTC(),
                            java.time.Duration.ofSeconds(ChannelConfig.MIN_WITHDRAW_DELAY + 5)),
                    Treasury.Options.DEFAULT);
            Treasury.Channel left = later.leaveChannel(channel.id(), payer);
            assertThat(left.available()).isEqualTo(cyb("0"));
            assertThat(chain.balanceOf(cyb, address(1))).isEqualTo(cyb("9.8"));
            assertThat(account(buyer, cyb.channelAccount())).isZero();
            assertThat(account(buyer, "expenses:services")).isEqualTo(cyb("0.2").baseUnits());
        }
    }

    @Test
    void aVoucherChargedWhoseAnswerWasLost_isBookedWhenTheSellersClaimShowsIt() throws Exception {
        fundTokens(address(1), "10");
        Treasury buyer = treasury(address(1));
        buyer.bookInflow(cyb("10"), "equity:faucet", "funding-cyb", "faucet");
        Treasury sellerWallet = treasury(address(2));
        try (Signer payer = signer(1);
                Signer seller = signer(2);
                TestSeller shop = new TestSeller(sellerWallet, seller, cyb("0.05"), address(2))) {
            shop.mode = TestSeller.Mode.CHANNEL_CHARGE_THEN_DROP;
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> buyer.buy(order("lost-1", shop.url(), cyb("0.05")), payer, PurchaseGate.NONE))
                    .isInstanceOf(OutcomeUnknownException.class);
            // the voucher's window passes with no answer: the purchase is closed as not charged
            Treasury later = Treasury.open(
                    db,
                    chain,
                    cyb,
                    address(1),
                    java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(10)),
                    Treasury.Options.DEFAULT);
            later.reconcilePending();
            assertThat(later.payment("lost-1").orElseThrow().state()).isInstanceOf(PaymentState.Failed.class);
            assertThat(account(later, "expenses:services")).isZero();
            // the seller had charged it, and claims it: the next reconcile books it, once
            assertThat(shop.paywall().claimChannels().paidOut())
                    .isEqualTo(cyb("0.05").baseUnits());
            later.reconcilePending();
            later.reconcilePending();
            assertThat(account(later, "expenses:services"))
                    .isEqualTo(cyb("0.05").baseUnits());
            assertThat(later.reconcileBooks())
                    .filteredOn(d -> d.asset().equals(cyb))
                    .hasSize(2) // the wallet, and what the channel holds for it
                    .allSatisfy(d -> assertThat(d.none()).as(d.toString()).isTrue());
        }
    }

    private static BigInteger account(Treasury t, String account) {
        return t.ledger().stream()
                .filter(e -> e.account().equals(account))
                .map(LedgerEntry::amount)
                .reduce(BigInteger.ZERO, BigInteger::add);
    }
}
