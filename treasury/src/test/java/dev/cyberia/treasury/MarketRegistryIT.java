package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Registry contract on a real anvil, through its binding and the offerers' journals. */
class MarketRegistryIT extends OnDevnet {

    private MarketRegistry market() {
        return new MarketRegistry(chain, info.registry());
    }

    private static OfferDraft skill(String name, String url, String price) {
        return OfferDraft.parse(Offer.Kind.SKILL, name, url, price, cyb);
    }

    @Test
    void anOfferIsPublishedOnce_updatedInPlace_andItsGasBooked() {
        Treasury seller = treasury(address(1));
        BigInteger ethBefore = chain.balance(address(1));
        try (Signer key = signer(1)) {
            Offer first = market().publish(
                            skill("scribe/summarize", "http://127.0.0.1:8403/agents/scribe/skills/summarize", "0.05"),
                            seller,
                            key);
            assertThat(first.offerer()).isEqualTo(address(1));
            assertThat(first.kind()).isEqualTo(Offer.Kind.SKILL);
            assertThat(first.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8403/agents/scribe/skills/summarize"));
            assertThat(first.price()).isEqualTo(BigInteger.valueOf(50_000));
            assertThat(first.asset()).isEqualTo(info.token());
            assertThat(first.active()).isTrue();

            long block = chain.blockNumber();
            Offer again = market().publish(
                            skill("scribe/summarize", "http://127.0.0.1:8403/agents/scribe/skills/summarize", "0.05"),
                            seller,
                            key);
            assertThat(again).isEqualTo(first);
            assertThat(chain.blockNumber())
                    .as("nothing sent for an unchanged offer")
                    .isEqualTo(block);

            Offer cheaper = market().publish(
                            skill("scribe/summarize", "http://127.0.0.1:8403/agents/scribe/skills/summarize", "0.04"),
                            seller,
                            key);
            assertThat(cheaper.id()).isEqualTo(first.id());
            assertThat(cheaper.price()).isEqualTo(BigInteger.valueOf(40_000));
            assertThat(cheaper.schemes()).containsExactly(X402.EXACT);

            Offer overChannels = market().publish(
                            skill("scribe/summarize", "http://127.0.0.1:8403/agents/scribe/skills/summarize", "0.04")
                                    .withSchemes(java.util.Set.of(X402.EXACT, X402.BATCH_SETTLEMENT)),
                            seller,
                            key);
            assertThat(overChannels.id()).isEqualTo(first.id());
            assertThat(overChannels.takesChannels()).isTrue();
            assertThat(market().offer(first.id()).schemes())
                    .containsExactlyInAnyOrder(X402.EXACT, X402.BATCH_SETTLEMENT);
            assertThat(market().all()).hasSize(1);
        }
        List<LedgerEntry> gas = seller.ledger().stream()
                .filter(e -> e.account().equals("expenses:gas"))
                .toList();
        assertThat(gas).as("three transactions, each one's gas booked once").hasSize(3);
        BigInteger booked = gas.stream().map(LedgerEntry::amount).reduce(BigInteger.ZERO, BigInteger::add);
        assertThat(ethBefore.subtract(chain.balance(address(1)))).isEqualTo(booked);
    }

    @Test
    void onlyTheOffererWithdraws_andWithdrawnOffersAreNotChosen() {
        Treasury one = treasury(address(1));
        Treasury two = treasury(address(2));
        Offer dear;
        try (Signer k1 = signer(1);
                Signer k2 = signer(2)) {
            dear = market().publish(skill("a/summarize", "http://127.0.0.1:9001/a", "0.09"), one, k1);
            Offer cheap = market().publish(skill("b/summarize", "http://127.0.0.1:9002/b", "0.02"), two, k2);
            Amount cap = cyb("0.10");
            assertThat(market().cheapest(Offer.Kind.SKILL, "summarize", cyb, cap))
                    .contains(cheap);
            assertThat(market().cheapest(Offer.Kind.SKILL, "summarize", cyb, cyb("0.01")))
                    .isEmpty();
            assertThat(market().cheapest(Offer.Kind.INFERENCE, "summarize", cyb, cap))
                    .isEmpty();

            assertThatThrownBy(() -> market().withdraw(dear.id(), two, k2))
                    .isInstanceOf(InvalidTreasuryInputException.class)
                    .hasMessageContaining("only its offerer");
            // around the binding's check, the contract itself refuses, and nothing is signed
            Payment raw = two.transact(
                    "raw-withdraw", info.registry(), Abi.call("withdraw(uint256)", BigInteger.valueOf(dear.id())), k2);
            assertThat(raw.state()).isInstanceOf(PaymentState.Failed.class);
            assertThat(((PaymentState.Failed) raw.state()).reason()).contains("would revert");
            assertThat(market().offer(dear.id()).active()).isTrue();

            market().withdraw(cheap.id(), two, k2);
            assertThat(market().offer(cheap.id()).active()).isFalse();
            assertThat(market().cheapest(Offer.Kind.SKILL, "summarize", cyb, cap))
                    .map(Offer::id)
                    .contains(dear.id());
            assertThat(market().active()).extracting(Offer::id).containsExactly(dear.id());
        }
    }

    @Test
    void aListingReadsPages_thatAgreeWithOfferByOfferReads() {
        Treasury seller = treasury(address(3));
        try (Signer key = signer(3)) {
            for (int i = 0; i < 55; i++) { // more than one page of 50
                market().publish(
                                skill("agent" + i + "/skill", "https://127.0.0.1:9" + i + "/x", "0.0" + (10 + i)),
                                seller,
                                key);
            }
            market().withdraw(7, seller, key);
        }
        List<Offer> all = market().all();
        assertThat(all).hasSize(55);
        for (Offer o : all) {
            assertThat(o).isEqualTo(market().offer(o.id()));
        }
        assertThat(all.get(54).name()).isEqualTo("agent54/skill");
        assertThat(all.get(54).endpoint()).isEqualTo(URI.create("https://127.0.0.1:954/x"));
        assertThat(all.get(7).active()).isFalse();
        assertThat(market().active()).hasSize(54);
    }

    @Test
    void malformedOffersAreRefusedBeforeSigning_andByTheContract() {
        assertThatThrownBy(() -> skill("x/y", "ftp://127.0.0.1/x", "0.1"))
                .isInstanceOf(InvalidTreasuryInputException.class)
                .hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> skill("x/y", "not a url", "0.1"))
                .isInstanceOf(InvalidTreasuryInputException.class)
                .hasMessageContaining("not a URL");
        assertThatThrownBy(() -> skill("x/y", "http:///nohost", "0.1"))
                .isInstanceOf(InvalidTreasuryInputException.class);
        assertThatThrownBy(() -> skill("x/y", "http://127.0.0.1/x", "0"))
                .isInstanceOf(InvalidTreasuryInputException.class)
                .hasMessageContaining("more than zero");
        assertThatThrownBy(() -> skill("x/y", "http://127.0.0.1/x", "-1"))
                .isInstanceOf(InvalidTreasuryInputException.class);
        assertThatThrownBy(() -> skill("x/y", "http://127.0.0.1/x", "abc"))
                .isInstanceOf(InvalidTreasuryInputException.class);
        assertThatThrownBy(() -> skill("bad name!", "http://127.0.0.1/x", "0.1"))
                .isInstanceOf(InvalidTreasuryInputException.class)
                .hasMessageContaining("name");

        Treasury one = treasury(address(1));
        try (Signer k1 = signer(1)) {
            for (Object[] bad : List.<Object[]>of(
                    new Object[] {"javascript:alert(1)", BigInteger.ONE},
                    new Object[] {"http://127.0.0.1/a b", BigInteger.ONE},
                    new Object[] {"http://127.0.0.1/x", BigInteger.ZERO})) {
                byte[] data = Abi.call(
                        "publish(uint8,string,string,address,uint256)", 1, "x/y", bad[0], info.token(), bad[1]);
                Payment sent = one.transact("raw-" + bad[0] + bad[1], info.registry(), data, k1);
                assertThat(sent.state()).as("%s", bad[0]).isInstanceOf(PaymentState.Failed.class);
            }
        }
        assertThat(market().all()).isEmpty();
    }
}
