package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PurchaseGate;
import dev.cyberia.treasury.Purchaser;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Buyers that check what they bought, on a real anvil with real payments: an honest miner selling
 * the tiny model passes every check; an impostor selling the tiny model's 8-bit stand-in under its
 * name and identity is caught at its first checked answer, disputed with its own receipt as
 * evidence, and passed over in the market for the honest miner.
 */
class SpotCheckIT {
    static final Path INT8 =
            Path.of("../models/tiny-chat-int8").toAbsolutePath().normalize();
    static Devnet devnet;
    static Chain chain;
    static Asset cyb;
    static DevnetInfo info;
    static LocalModel honestModel;
    static LocalModel cheapModel;
    static LocalModel reference;
    static final List<TreasuryDatabase> databases = new ArrayList<>();
    static MinerServer honest;
    static MinerServer impostor;
    static Signer honestKey;
    static Signer impostorKey;
    static Signer buyerKey;
    static Signer validatorKey;
    static Treasury buyer;
    static Keystore keystore;

    /** A dishonest miner's model: runs the cheap stand-in, and says it is the listed model. */
    record Impostor(LocalModel runs, String claimsName, String claimsIdentity) implements ChatBackend {
        @Override
        public String name() {
            return claimsName;
        }

        @Override
        public Optional<String> identity() {
            return Optional.of(claimsIdentity);
        }

        @Override
        public Generation chat(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
            return relabel(runs.chat(messages, tools, options));
        }

        @Override
        public Generation chatStreaming(
                List<Message> messages,
                List<ToolDefinition> tools,
                GenerationOptions options,
                Consumer<String> onText) {
            return relabel(runs.chatStreaming(messages, tools, options, onText));
        }

        private Generation relabel(Generation g) {
            return g.withFingerprint(g.fingerprint().orElseThrow().claiming(claimsIdentity));
        }
    }

    @BeforeAll
    static void start() throws IOException {
        Path home = Files.createTempDirectory("cyberia-spot-check-it");
        devnet = Devnet.at(home);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        info = devnet.up(port);
        chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        cyb = Asset.token("CYB", 6, info.token());
        keystore = Keystore.open(home);
        honestKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "honest", 7);
        impostorKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "impostor", 8);
        buyerKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "buyer", 9);
        validatorKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "validator", 6);
        devnet.fund(buyerKey.address(), BigInteger.ZERO, BigInteger.valueOf(5_000_000));
        buyer = wallet(buyerKey);
        buyer.setPolicy(buyer.policy().withChannelDeposit(0));
        honestModel = LocalModel.open(LocalModelTest.TINY);
        cheapModel = LocalModel.open(INT8);
        reference = LocalModel.open(LocalModelTest.TINY);
        TokenDomain domain = new TokenDomain("ComputeToken", "1", Devnet.CHAIN_ID, info.token());
        honest = MinerServer.start(
                MinerServer.Config.local(0, Amount.parse("0.02", cyb), domain),
                ChatBackend.local(honestModel),
                wallet(honestKey),
                honestKey,
                Clock.systemUTC());
        impostor = MinerServer.start( // cheaper: a buyer that only compares prices picks it
                MinerServer.Config.local(0, Amount.parse("0.01", cyb), domain),
                new Impostor(cheapModel, honestModel.name(), honestModel.identity()),
                wallet(impostorKey),
                impostorKey,
                Clock.systemUTC());
    }

    static Treasury wallet(Signer key) {
        TreasuryDatabase db = TestDatabases.fresh();
        databases.add(db);
        return Treasury.open(db, chain, cyb, key.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
    }

    @AfterAll
    static void stop() {
        honest.close();
        impostor.close();
        honestModel.close();
        cheapModel.close();
        reference.close();
        databases.forEach(TreasuryDatabase::close);
        devnet.down();
    }

    static final List<String> ASKS = List.of("ping", "hello there", "What can you do?", "Say something short.");

    private static Purchaser purchaser() {
        return buyer.purchaser(buyerKey, PurchaseGate.NONE);
    }

    private static SpotCheck everyAnswer() {
        return new SpotCheck(new SpotCheck.Policy(1.0, Optional.empty(), 0.01), reference, new Random(1));
    }

    @Test
    void theModelsIdentity_namesItsFiles_notItsFolder() {
        assertThat(honestModel.identity()).startsWith("sha256:").isEqualTo(reference.identity());
        assertThat(cheapModel.identity()).startsWith("sha256:").isNotEqualTo(honestModel.identity());
    }

    @Test
    void anHonestMiner_passesEveryCheck_andIsNeverDisputed() {
        MinerClient client =
                new MinerClient(honest.baseUri(), Amount.parse("0.05", cyb), purchaser(), Optional.of(everyAnswer()));
        for (String ask : ASKS) {
            MinerClient.PaidAnswer answer =
                    client.chat("honest:" + ask, "tiny-chat", List.of(Message.user(ask)), GenerationOptions.greedy(24));
            assertThat(answer.dispute()).as("checking '%s'", ask).isEmpty();
            assertThat(answer.receipt()).isPresent();
        }
        assertThat(buyer.disputedSince(Instant.EPOCH)).doesNotContain(honestKey.address());
    }

    @Test
    void anImpostor_isCaughtAtItsFirstCheckedAnswer_disputedWithItsReceipt_andPassedOverInTheMarket() {
        MarketRegistry market = bothMinersListed();
        MarketMiners miners = new MarketMiners(market, purchaser(), Clock.systemUTC(), Optional.of(everyAnswer()));
        ChatRequest ask = ChatRequest.builder()
                .messages(UserMessage.from("ping"))
                .maxOutputTokens(24)
                .temperature(0.0)
                .build();

        MarketMiners.Bought first = miners.chat("market:1", "tiny-chat", ask, Amount.parse("0.05", cyb));
        assertThat(first.purchase().seller())
                .as("the cheaper offer is tried first")
                .isEqualTo(impostorKey.address());
        assertThat(first.purchase().dispute())
                .as("its answer is not what tiny-chat answers")
                .hasValueSatisfying(d -> assertThat(d).startsWith("spot check failed: "));
        Payment disputed = buyer.recentPayments(10).stream()
                .filter(p -> p.payee().equals(impostorKey.address()))
                .findFirst()
                .orElseThrow();
        assertThat(buyer.disputeOf(disputed.id()))
                .as("the evidence: what the replay found, and the impostor's signed receipt")
                .hasValueSatisfying(
                        e -> assertThat(e).contains("spot check failed").contains("; receipt "));
        String receipt = buyer.disputeOf(disputed.id()).orElseThrow().replaceAll(".*; receipt ", "");
        assertThat(Receipt.decode(receipt).miner()).isEqualTo(impostorKey.address());
        assertThat(Receipt.decode(receipt).model()).isEqualTo("tiny-chat");
        assertThat(buyer.disputedSince(Instant.now().minusSeconds(600))).contains(impostorKey.address());

        MarketMiners.Bought second = miners.chat("market:2", "tiny-chat", ask, Amount.parse("0.05", cyb));
        assertThat(second.purchase().seller())
                .as("the impostor is passed over for the honest miner, dearer as it is")
                .isEqualTo(honestKey.address());
        assertThat(second.purchase().dispute()).isEmpty();
    }

    private static MarketRegistry listed;

    /** The honest miner at 0.02 and the impostor at 0.01, listed once for every test that needs them. */
    private static synchronized MarketRegistry bothMinersListed() {
        if (listed != null) {
            return listed;
        }
        MarketRegistry market = new MarketRegistry(chain, info.registry());
        for (var seller :
                List.of(new Object[] {honestKey, honest, "0.02"}, new Object[] {impostorKey, impostor, "0.01"})) {
            Signer key = (Signer) seller[0];
            devnet.fund(key.address(), new BigInteger("1000000000000000000"), BigInteger.ZERO);
            market.publish(
                    OfferDraft.parse(
                            Offer.Kind.INFERENCE,
                            "tiny-chat",
                            ((MinerServer) seller[1]).baseUri().toString(),
                            (String) seller[2],
                            cyb),
                    wallet(key),
                    key);
        }
        listed = market;
        return market;
    }

    @Test
    void aBuyerWithoutTheModel_reRunsAtASecondMiner_andDisputesTheImpostorWithBothReceipts() {
        MarketRegistry market = bothMinersListed();
        try (Signer key = dev.cyberia.treasury.DevKeys.unlock(keystore, "second-opinion-buyer", 4)) {
            devnet.fund(key.address(), BigInteger.ZERO, BigInteger.valueOf(5_000_000));
            Treasury wallet = wallet(key);
            wallet.setPolicy(wallet.policy().withChannelDeposit(0));
            Purchaser pays = wallet.purchaser(key, PurchaseGate.NONE);
            Amount cap = Amount.parse("0.05", cyb);
            SpotCheck againElsewhere = new SpotCheck(
                    new SpotCheck.Policy(1.0, Optional.empty(), 0.01),
                    new MarketMiners(market, pays, Clock.systemUTC()).secondOpinion("tiny-chat", cap),
                    new Random(1));
            MarketMiners miners = new MarketMiners(market, pays, Clock.systemUTC(), Optional.of(againElsewhere));
            ChatRequest ask = ChatRequest.builder()
                    .messages(UserMessage.from("hello there"))
                    .maxOutputTokens(24)
                    .temperature(0.0)
                    .build();

            MarketMiners.Bought first = miners.chat("second:1", "tiny-chat", ask, cap);
            assertThat(first.purchase().seller()).isEqualTo(impostorKey.address());
            assertThat(first.purchase().dispute())
                    .as("the same request at the honest miner came out otherwise")
                    .hasValueSatisfying(d -> assertThat(d).startsWith("spot check failed: "));
            Payment disputed = wallet.recentPayments(10).stream()
                    .filter(p -> p.payee().equals(impostorKey.address()))
                    .findFirst()
                    .orElseThrow();
            String evidence = wallet.disputeOf(disputed.id()).orElseThrow();
            assertThat(evidence).contains("re-run at " + honest.baseUri());
            String[] receipts = evidence.split("receipt ");
            assertThat(receipts)
                    .as("both miners' signed receipts: %s", evidence)
                    .hasSize(3);
            assertThat(Receipt.decode(receipts[1].replaceAll("[;,) ].*", "")).miner())
                    .isEqualTo(honestKey.address());
            assertThat(Receipt.decode(receipts[2].trim()).miner()).isEqualTo(impostorKey.address());
            assertThat(first.purchase().spent())
                    .as("what the answer cost in all, its check included: the buyer's budgets count both")
                    .isEqualTo(Amount.parse("0.03", cyb));
            assertThat(wallet.ledger())
                    .as("the second opinion was bought too, and booked")
                    .filteredOn(e -> e.account().equals("expenses:inference"))
                    .extracting(e -> e.units())
                    .containsExactlyInAnyOrder("0.01", "0.02");

            MarketMiners.Bought next = miners.chat("second:2", "tiny-chat", ask, cap);
            assertThat(next.purchase().seller())
                    .as("the impostor is passed over")
                    .isEqualTo(honestKey.address());
            assertThat(next.purchase().dispute())
                    .as("no other miner to compare with: not checked, not disputed")
                    .isEmpty();
        }
    }

    @Test
    void aDisputedHonestMiner_appealsOnItsOwn_andTheValidatorsReplayClearsItOnChain() {
        dev.cyberia.treasury.TrustRegistries trust = new dev.cyberia.treasury.TrustRegistries(chain, info.trust());
        Treasury honestWallet = wallet(honestKey);
        long honestId = trust.register("http://127.0.0.1:9/honest.json", honestWallet, honestKey)
                .agentId();
        MinerClient.PaidAnswer bought = new MinerClient(honest.baseUri(), Amount.parse("0.05", cyb), purchaser())
                .chat("appeal:1", "tiny-chat", List.of(Message.user("What can you do?")), GenerationOptions.greedy(24));
        // a buyer disputes it by mistake, and says so on chain as a Cyberia node does: -100, the receipt in the file
        String file = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("agentId", honestId)
                .put("value", -100)
                .put("tag1", "disputed")
                .put(
                        "evidence",
                        "spot check failed: a mistaken buyer (" + honest.baseUri() + "); receipt "
                                + bought.receipt().orElseThrow().encode())
                .toString();
        trust.giveFeedback(
                honestId,
                new dev.cyberia.treasury.TrustRegistries.Feedback(
                        BigInteger.valueOf(-100),
                        0,
                        "disputed",
                        "",
                        honest.baseUri().toString(),
                        "data:application/json;base64,"
                                + java.util.Base64.getEncoder()
                                        .encodeToString(file.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        dev.cyberia.treasury.TrustRegistries.hashOf(file)),
                "appeal-test:1",
                buyer,
                buyerKey);

        MinerAppeals appeals =
                new MinerAppeals(trust, honestId, validatorKey.address(), honest, honestWallet, honestKey);
        List<MinerAppeals.Appeal> filed = appeals.appealNew();
        assertThat(filed).singleElement().satisfies(a -> {
            assertThat(a.client()).isEqualTo(buyerKey.address());
            assertThat(a.outcome()).startsWith("asked " + validatorKey.address());
        });
        assertThat(appeals.appealNew()).as("each dispute is appealed once").isEmpty();

        new ReplayValidator(trust, reference, wallet(validatorKey), validatorKey, 0.01).answerPending();
        byte[] requestHash = java.util.HexFormat.of()
                .parseHex(filed.get(0).requestHash().orElseThrow().substring(2));
        assertThat(trust.validation(requestHash))
                .as("the replay clears the answer, on chain beside the dispute")
                .hasValueSatisfying(v -> assertThat(v.response()).isEqualTo(100));
        assertThat(trust.validations(honestId, ReplayValidator.TAG).average()).isEqualTo(100);
    }

    @Test
    void aMinerAppeals_andAValidatorThatReplays_passesTheHonestAnswer_andFailsTheStandIn() {
        dev.cyberia.treasury.TrustRegistries trust = new dev.cyberia.treasury.TrustRegistries(chain, info.trust());
        List<Message> ask = List.of(Message.user("hello there"));
        GenerationOptions greedy = GenerationOptions.greedy(24);
        // each miner asks the validator to replay an answer it served (only an agent's owner may ask)
        Treasury honestWallet = wallet(honestKey);
        long honestId = trust.register("http://127.0.0.1:9/honest.json", honestWallet, honestKey)
                .agentId();
        ReplayValidator.Request honestAnswer =
                ReplayValidator.requestFor(ask, List.of(), greedy, honestModel.chat(ask, List.of(), greedy));
        trust.requestValidation(
                validatorKey.address(),
                honestId,
                honestAnswer.requestURI(),
                honestAnswer.requestHash(),
                honestWallet,
                honestKey);
        Treasury impostorWallet = wallet(impostorKey);
        long impostorId = trust.register("http://127.0.0.1:9/impostor.json", impostorWallet, impostorKey)
                .agentId();
        Impostor cheat = new Impostor(cheapModel, honestModel.name(), honestModel.identity());
        ReplayValidator.Request impostorAnswer =
                ReplayValidator.requestFor(ask, List.of(), greedy, cheat.chat(ask, List.of(), greedy));
        trust.requestValidation(
                validatorKey.address(),
                impostorId,
                impostorAnswer.requestURI(),
                impostorAnswer.requestHash(),
                impostorWallet,
                impostorKey);

        List<ReplayValidator.Answer> answered =
                new ReplayValidator(trust, reference, wallet(validatorKey), validatorKey, 0.01).answerPending();

        assertThat(answered).hasSize(2);
        assertThat(trust.validation(honestAnswer.requestHash())).hasValueSatisfying(v -> {
            assertThat(v.response()).isEqualTo(100);
            assertThat(v.tag()).isEqualTo(ReplayValidator.TAG);
        });
        assertThat(trust.validation(impostorAnswer.requestHash()))
                .hasValueSatisfying(v -> assertThat(v.response()).isZero());
        assertThat(trust.pendingFor(validatorKey.address()))
                .as("nothing left to answer")
                .isEmpty();
    }
}
