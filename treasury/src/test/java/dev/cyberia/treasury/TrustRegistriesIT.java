package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signer;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * The ERC-8004 registries the devnet deploys, through {@link TrustRegistries} and a treasury's
 * journal: identities with their wallets, feedback and its summary, validation requests and
 * answers, and the rules a registry enforces (no self-feedback, only the named validator answers,
 * a wallet only with its own signature).
 */
class TrustRegistriesIT extends OnDevnet {
    TrustRegistries registries() {
        return new TrustRegistries(chain, info.trust());
    }

    static TrustRegistries.Feedback rating(int value, String tag) {
        return new TrustRegistries.Feedback(
                BigInteger.valueOf(value),
                0,
                tag,
                "",
                "http://127.0.0.1:9/x",
                "data:,{}",
                TrustRegistries.hashOf("{}"));
    }

    @Test
    void anAgentRegistersOnce_withItsWalletProvenByTheRegistration_andMovesItsURI() {
        TrustRegistries trust = registries();
        assertThat(trust.agentRegistry())
                .isEqualTo("eip155:31337:" + info.trust().identity());
        Treasury wallet = treasury(address(1));
        try (Signer key = signer(1)) {
            TrustRegistries.Identity first =
                    trust.register("http://127.0.0.1:9/agents/a/registration.json", wallet, key);
            assertThat(first.owner()).isEqualTo(address(1));
            assertThat(first.wallet()).contains(address(1));
            TrustRegistries.Identity again =
                    trust.register("http://127.0.0.1:9/agents/a/registration.json", wallet, key);
            assertThat(again.agentId())
                    .as("registering again is the same identity")
                    .isEqualTo(first.agentId());
            TrustRegistries.Identity moved =
                    trust.register("http://127.0.0.1:8/agents/a/registration.json", wallet, key);
            assertThat(moved.agentId()).isEqualTo(first.agentId());
            assertThat(moved.agentURI()).isEqualTo("http://127.0.0.1:8/agents/a/registration.json");
        }
        assertThat(trust.agentOf(address(2))).isEmpty();
    }

    @Test
    void anotherWallet_isSetOnlyWithItsOwnEip712Signature() {
        TrustRegistries trust = registries();
        Treasury owner = treasury(address(1));
        try (Signer ownerKey = signer(1);
                Signer newWalletKey = signer(2)) {
            long id = trust.register("http://127.0.0.1:9/agents/b/registration.json", owner, ownerKey)
                    .agentId();
            long deadline = java.time.Instant.now().getEpochSecond() + 120;
            Signature byOwner = ownerKey.signTypedData(trust.walletProof(id, address(2), address(1), deadline));
            assertThatThrownBy(() -> trust.setAgentWallet(id, address(2), deadline, byOwner, owner, ownerKey))
                    .as("signed by the owner, not the new wallet")
                    .isInstanceOf(TreasuryException.class);
            Signature byWallet = newWalletKey.signTypedData(trust.walletProof(id, address(2), address(1), deadline));
            trust.setAgentWallet(id, address(2), deadline + 1 - 1, byWallet, owner, ownerKey);
            assertThat(trust.identity(id).wallet()).contains(address(2));
        }
    }

    @Test
    void clientsRateAnAgent_theAgentCannotRateItself_andTheSummaryIsTheirMean() {
        TrustRegistries trust = registries();
        long id;
        try (Signer agentKey = signer(1)) {
            id = trust.register("http://127.0.0.1:9/agents/c/registration.json", treasury(address(1)), agentKey)
                    .agentId();
            assertThatThrownBy(
                            () -> trust.giveFeedback(id, rating(100, "served"), "self", treasury(address(1)), agentKey))
                    .isInstanceOf(TreasuryException.class);
        }
        assertThat(trust.reputation(id)).isEqualTo(TrustRegistries.Reputation.NONE);
        try (Signer two = signer(2);
                Signer three = signer(3)) {
            trust.giveFeedback(id, rating(100, "served"), "fb-2-1", treasury(address(2)), two);
            trust.giveFeedback(id, rating(100, "served"), "fb-2-1", treasury(address(2)), two); // the same, once
            trust.giveFeedback(id, rating(-100, "disputed"), "fb-3-1", treasury(address(3)), three);
            trust.giveFeedback(id, rating(100, "served"), "fb-3-2", treasury(address(3)), three);
        }
        TrustRegistries.Reputation all = trust.reputation(id);
        assertThat(all.count()).isEqualTo(3);
        assertThat(all.clients()).isEqualTo(2);
        assertThat(all.average()).isEqualByComparingTo(new BigDecimal("33")); // (100 - 100 + 100) / 3, truncated
        assertThat(trust.reputation(id, "disputed").average()).isEqualByComparingTo("-100");
    }

    @Test
    void onlyTheAgentAsksForValidation_andOnlyTheNamedValidatorAnswers() {
        TrustRegistries trust = registries();
        byte[] request = TrustRegistries.hashOf("{\"answer\":\"replay me\"}");
        try (Signer agentKey = signer(1);
                Signer validatorKey = signer(2);
                Signer strangerKey = signer(3)) {
            long id = trust.register("http://127.0.0.1:9/agents/d/registration.json", treasury(address(1)), agentKey)
                    .agentId();
            assertThatThrownBy(() -> trust.requestValidation(
                            address(2), id, "data:,{}", request, treasury(address(3)), strangerKey))
                    .isInstanceOf(TreasuryException.class);
            trust.requestValidation(address(2), id, "data:,{}", request, treasury(address(1)), agentKey);
            assertThat(trust.validation(request)).hasValueSatisfying(v -> {
                assertThat(v.validator()).isEqualTo(address(2));
                assertThat(v.agentId()).isEqualTo(id);
            });
            assertThatThrownBy(() -> trust.respondToValidation(
                            request, 100, "data:,{}", new byte[32], "replayed", treasury(address(3)), strangerKey))
                    .isInstanceOf(TreasuryException.class);
            trust.respondToValidation(
                    request, 0, "data:,{}", new byte[32], "replayed", treasury(address(2)), validatorKey);
            assertThat(trust.validation(request)).hasValueSatisfying(v -> {
                assertThat(v.response()).isZero();
                assertThat(v.tag()).isEqualTo("replayed");
            });
        }
        assertThat(trust.validation(new byte[32])).isEmpty();
    }
}
