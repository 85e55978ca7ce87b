package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.KeyOrigin;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Paywall;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A miner selling the tiny real model over x402 on a real anvil, and a buyer paying it. */
class MinerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static Devnet devnet;
    static Chain chain;
    static Asset cyb;
    static Keystore keystore;
    static LocalModel model;
    static TreasuryDatabase minerDb;
    static TreasuryDatabase buyerDb;
    static Signer minerKey;
    static Signer buyerKey;
    static MinerServer miner;
    static Treasury buyerWallet;
    static Treasury minerWallet;

    @BeforeAll
    static void start() throws IOException {
        Path home = Files.createTempDirectory("cyberia-miner-it");
        devnet = Devnet.at(home);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        DevnetInfo info = devnet.up(port);
        chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        cyb = Asset.token("CYB", 6, info.token());
        keystore = Keystore.open(home);
        minerKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "miner", 5);
        buyerKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "buyer", 6);
        devnet.fund(buyerKey.address(), BigInteger.ZERO, BigInteger.valueOf(2_000_000));
        minerDb = TestDatabases.fresh();
        buyerDb = TestDatabases.fresh();
        minerWallet =
                Treasury.open(minerDb, chain, cyb, minerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        buyerWallet =
                Treasury.open(buyerDb, chain, cyb, buyerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        // this buyer pays 'exact' (settled per request): channels are tested with their own keys below
        buyerWallet.setPolicy(buyerWallet.policy().withChannelDeposit(0));
        model = LocalModel.open(LocalModelTest.TINY);
        miner = MinerServer.start(
                MinerServer.Config.local(
                        0,
                        Amount.parse("0.01", cyb),
                        new TokenDomain("ComputeToken", "1", Devnet.CHAIN_ID, info.token())),
                ChatBackend.local(model),
                minerWallet,
                minerKey,
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        miner.close();
        model.close();
        minerDb.close();
        buyerDb.close();
        devnet.down();
    }

    private MinerClient client(String cap) {
        return new MinerClient(
                miner.baseUri(),
                Amount.parse(cap, cyb),
                buyerWallet.purchaser(buyerKey, dev.cyberia.treasury.PurchaseGate.NONE));
    }

    private static String key() {
        return "test:" + java.util.UUID.randomUUID();
    }

    private static HttpResponse<String> post(String body, String paymentHeader) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(miner.baseUri().resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (paymentHeader != null) {
            r.header(X402.PAYMENT_SIGNATURE, paymentHeader);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String ASK =
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}],\"max_tokens\":8}";

    @Test
    void aPaidRequest_isAnswered_settledOnChain_bookedOnBothSides_withAReceipt() {
        Amount minerBefore = chain.balanceOf(cyb, minerKey.address());
        MinerClient.PaidAnswer answer =
                client("0.05").chat(key(), "tiny-chat", List.of(Message.user("ping")), GenerationOptions.greedy(8));
        assertThat(answer.text()).isEqualTo("pong");
        assertThat(answer.pricePaid()).isEqualTo(Amount.parse("0.01", cyb));
        assertThat(answer.completionTokens()).isEqualTo(4); // byte-level: p, o, n, g
        assertThat(answer.receipt().orElseThrow().miner()).isEqualTo(minerKey.address());
        assertThat(chain.balanceOf(cyb, minerKey.address())).isEqualTo(minerBefore.plus(Amount.parse("0.01", cyb)));
        assertThat(buyerWallet.ledger())
                .extracting(LedgerEntry::account, LedgerEntry::units)
                .contains(org.assertj.core.groups.Tuple.tuple("expenses:inference", "0.01"));
        assertThat(minerWallet.ledger())
                .extracting(LedgerEntry::account, LedgerEntry::units)
                .contains(org.assertj.core.groups.Tuple.tuple("income:inference", "-0.01"));
    }

    @Test
    void x402Spends_countInTheRolling24HourCap() {
        dev.cyberia.treasury.SpendPolicy before = buyerWallet.policy();
        try {
            buyerWallet.setPolicy(before.withLimits(
                    "CYB",
                    new dev.cyberia.treasury.SpendPolicy.Limits(
                            java.util.Optional.empty(),
                            java.util.Optional.of(Amount.parse("0.015", cyb).baseUnits()),
                            java.util.Optional.empty(),
                            java.util.Optional.empty())));
            java.math.BigInteger spentSoFar = buyerWallet.ledger().stream()
                    .filter(e -> e.account().equals("expenses:inference"))
                    .map(LedgerEntry::amount)
                    .reduce(java.math.BigInteger.ZERO, java.math.BigInteger::add);
            if (spentSoFar.signum() == 0) {
                client("1").chat(key(), "tiny-chat", List.of(Message.user("ping")), GenerationOptions.greedy(8));
            }
            assertThatThrownBy(() -> client("1")
                            .chat(key(), "tiny-chat", List.of(Message.user("ping")), GenerationOptions.greedy(8)))
                    .hasMessageContaining("24-hour cap");
        } finally {
            buyerWallet.setPolicy(before);
        }
    }

    @Test
    void unpaid_getsA402WithRequirements_andModelsListsThePrice() throws Exception {
        HttpResponse<String> unpaid = post(ASK, null);
        assertThat(unpaid.statusCode()).isEqualTo(402);
        X402.PaymentRequired required = X402.decodePaymentRequired(
                unpaid.headers().firstValue(X402.PAYMENT_REQUIRED).orElseThrow());
        assertThat(required.accepts())
                .extracting(X402.Requirements::scheme)
                .containsExactly("exact", "batch-settlement");
        assertThat(required.accepts()).allSatisfy(r -> {
            assertThat(r.amount()).isEqualTo(10_000);
            assertThat(r.payTo()).isEqualTo(minerKey.address());
            assertThat(r.network()).isEqualTo("eip155:31337");
        });
        assertThat(required.accepts().get(1).receiverAuthorizer()).isEqualTo(minerKey.address());
        JsonNode models = JSON.readTree(HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(miner.baseUri().resolve("/v1/models"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        assertThat(models.path("data")
                        .path(0)
                        .path("pricing")
                        .path("per_request")
                        .asText())
                .isEqualTo("0.01");
    }

    @Test
    void badRequests_getTheRightStatus_andNoAnswer() throws Exception {
        assertThat(post(ASK.replace("tiny-chat", "gpt-9"), null).statusCode()).isEqualTo(404);
        assertThat(post("{\"model\":\"tiny-chat\",\"messages\":[],\"pad\":\"" + "x".repeat(70_000) + "\"}", null)
                        .statusCode())
                .isEqualTo(413);
        HttpResponse<String> garbage = post(ASK, "!!!not-base64!!!");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(X402.decodeSettlementResponse(garbage.headers()
                                .firstValue(X402.PAYMENT_RESPONSE)
                                .orElseThrow())
                        .errorReason())
                .isEqualTo("invalid_payload");
        assertThat(garbage.body()).doesNotContain("choices");
    }

    @Test
    void aReplayedPayment_isRefused_andNothingIsServed() throws Exception {
        X402.PaymentRequired required = X402.decodePaymentRequired(
                post(ASK, null).headers().firstValue(X402.PAYMENT_REQUIRED).orElseThrow());
        X402.PaymentPayload payment = new dev.cyberia.treasury.X402Buyer(
                        Devnet.CHAIN_ID, cyb.token().orElseThrow(), Clock.systemUTC(), new java.security.SecureRandom())
                .pay(required, buyerKey, Amount.parse("1", cyb));
        String header = X402.encode(payment);
        Amount before = chain.balanceOf(cyb, minerKey.address());
        HttpResponse<String> served = post(ASK, header);
        assertThat(served.statusCode()).isEqualTo(200);
        HttpResponse<String> again = post(ASK, header);
        assertThat(again.statusCode())
                .as("the same payment for the same request: the same answer")
                .isEqualTo(200);
        assertThat(again.body()).isEqualTo(served.body());
        assertThat(chain.balanceOf(cyb, minerKey.address()))
                .as("settled and served once")
                .isEqualTo(before.plus(Amount.parse("0.01", cyb)));
        String other = ASK.replace("ping", "Who are you?");
        HttpResponse<String> replay = post(other, header);
        assertThat(replay.statusCode())
                .as("the same payment for another request")
                .isEqualTo(402);
        assertThat(X402.decodeSettlementResponse(replay.headers()
                                .firstValue(X402.PAYMENT_RESPONSE)
                                .orElseThrow())
                        .errorReason())
                .isEqualTo("invalid_exact_evm_payload_authorization_nonce_used");
        assertThat(replay.body()).doesNotContain("choices");
    }

    @Test
    void aPaidStream_sendsChunksThatAddUpToTheAnswer_andEndsWithAVerifiableReceipt() throws Exception {
        String ask = "{\"model\":\"tiny-chat\",\"stream\":true,\"max_tokens\":96,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Who are you?\"}]}";
        X402.PaymentRequired required = X402.decodePaymentRequired(
                post(ask, null).headers().firstValue(X402.PAYMENT_REQUIRED).orElseThrow());
        X402.PaymentPayload payment = new dev.cyberia.treasury.X402Buyer(
                        Devnet.CHAIN_ID, cyb.token().orElseThrow(), Clock.systemUTC(), new java.security.SecureRandom())
                .pay(required, buyerKey, Amount.parse("1", cyb));
        HttpResponse<String> streamed = post(ask, X402.encode(payment));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("Content-Type")).contains("text/event-stream");
        StringBuilder text = new StringBuilder();
        Receipt receipt = null;
        int chunks = 0;
        for (String line : streamed.body().split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode event = JSON.readTree(line.substring(6));
            if (event.has("x_cyberia_receipt")) {
                receipt = Receipt.decode(event.get("x_cyberia_receipt").asText());
            } else {
                String delta = event.path("choices")
                        .path(0)
                        .path("delta")
                        .path("content")
                        .asText("");
                text.append(delta);
                chunks += delta.isEmpty() ? 0 : 1;
            }
        }
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
        assertThat(chunks).isGreaterThan(3);
        assertThat(text.toString()).isEqualTo("I am the Cyberia tiny model.");
        assertThat(receipt).isNotNull();
        assertThat(receipt.verifies(
                        ask.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isTrue();
    }

    @Test
    void router_fallsBackFromAMinerThatIsDown_andReportsItsChoiceAndPrice() {
        List<InferenceRouter.Choice> choices = new java.util.ArrayList<>();
        MinerClient down = new MinerClient(
                URI.create("http://127.0.0.1:1"),
                Amount.parse("1", cyb),
                buyerWallet.purchaser(buyerKey, dev.cyberia.treasury.PurchaseGate.NONE));
        InferenceRouter router = new InferenceRouter(
                List.of(
                        new InferenceRouter.Route(
                                "cheap-but-down",
                                new PaidMinerChatModel(down, "tiny-chat", key()),
                                false,
                                Amount.parse("0.005", cyb)),
                        new InferenceRouter.Route(
                                "miner",
                                new PaidMinerChatModel(client("0.05"), "tiny-chat", key()),
                                false,
                                Amount.parse("0.01", cyb))),
                Amount.parse("0.05", cyb),
                Clock.systemUTC(),
                java.time.Duration.ofMinutes(1),
                choices::add);
        var answer = router.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("ping"))
                .maxOutputTokens(8)
                .build());
        assertThat(answer.aiMessage().text()).isEqualTo("pong");
        assertThat(choices).singleElement().satisfies(c -> {
            assertThat(c.route()).isEqualTo("miner");
            assertThat(c.price()).isEqualTo(Amount.parse("0.01", cyb));
            assertThat(c.fellBackFrom()).singleElement().asString().startsWith("cheap-but-down");
        });
        assertThat(router.candidates(dev.langchain4j.model.chat.request.ChatRequest.builder()
                        .messages(dev.langchain4j.data.message.UserMessage.from("x"))
                        .build()))
                .extracting(InferenceRouter.Route::name)
                .containsExactly("miner", "cheap-but-down");
    }

    @Test
    void router_respectsThePriceCap_andToolCalling() {
        List<InferenceRouter.Choice> choices = new java.util.ArrayList<>();
        InferenceRouter router = new InferenceRouter(
                List.of(
                        new InferenceRouter.Route(
                                "miner",
                                new PaidMinerChatModel(client("0.05"), "tiny-chat", key()),
                                false,
                                Amount.parse("0.01", cyb)),
                        new InferenceRouter.Route(
                                "local",
                                new LocalChatModel(model, java.util.OptionalLong.empty()),
                                true,
                                Amount.zero(cyb))),
                Amount.zero(cyb),
                Clock.systemUTC(),
                java.time.Duration.ofMinutes(1),
                choices::add);
        dev.langchain4j.agent.tool.ToolSpecification weather = dev.langchain4j.agent.tool.ToolSpecification.builder()
                .name("weather")
                .description("Get the weather for a city.")
                .parameters(dev.langchain4j.model.chat.request.json.JsonObjectSchema.builder()
                        .addStringProperty("city")
                        .build())
                .build();
        var r = router.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("Weather in Paris?"))
                .toolSpecifications(weather)
                .maxOutputTokens(96)
                .build());
        assertThat(r.aiMessage().toolExecutionRequests())
                .singleElement()
                .satisfies(c -> assertThat(c.arguments()).contains("Paris"));
        assertThat(choices).extracting(InferenceRouter.Choice::route).containsExactly("local");
        InferenceRouter tooCheap = new InferenceRouter(
                List.of(new InferenceRouter.Route(
                        "miner",
                        new PaidMinerChatModel(client("0.05"), "tiny-chat", key()),
                        false,
                        Amount.parse("0.01", cyb))),
                Amount.parse("0.001", cyb),
                Clock.systemUTC(),
                java.time.Duration.ofMinutes(1),
                choices::add);
        assertThatThrownBy(() -> tooCheap.chat("ping"))
                .hasMessageContaining("no provider can serve this request within 0.001 CYB");
    }

    @Test
    void aMinerResellingAnUpstreamEndpoint_isPaid_andTheEndpointIsAPlainOpenAiModel() {
        try (MinerServer upstream = MinerServer.start(
                MinerServer.Config.local(
                        0,
                        Amount.zero(cyb),
                        new TokenDomain(
                                "ComputeToken",
                                "1",
                                Devnet.CHAIN_ID,
                                cyb.token().orElseThrow())),
                ChatBackend.local(model),
                minerWallet,
                minerKey,
                Clock.systemUTC())) {
            OpenAiCompatibleChatModel plain =
                    new OpenAiCompatibleChatModel(upstream.baseUri(), "tiny-chat", "sk-local-test");
            assertThat(plain.chat("ping")).isEqualTo("pong");
            var toolAnswer = plain.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                    .messages(dev.langchain4j.data.message.UserMessage.from("Weather in Paris?"))
                    .toolSpecifications(dev.langchain4j.agent.tool.ToolSpecification.builder()
                            .name("weather")
                            .description("Get the weather for a city.")
                            .parameters(dev.langchain4j.model.chat.request.json.JsonObjectSchema.builder()
                                    .addStringProperty("city")
                                    .required("city")
                                    .build())
                            .build())
                    .maxOutputTokens(96)
                    .build());
            assertThat(toolAnswer.aiMessage().toolExecutionRequests())
                    .singleElement()
                    .satisfies(call -> {
                        assertThat(call.name()).isEqualTo("weather");
                        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
                    });
            try (MinerServer reseller = MinerServer.start(
                    MinerServer.Config.local(
                            0,
                            Amount.parse("0.02", cyb),
                            new TokenDomain(
                                    "ComputeToken",
                                    "1",
                                    Devnet.CHAIN_ID,
                                    cyb.token().orElseThrow())),
                    ChatBackend.upstream(plain),
                    minerWallet,
                    minerKey,
                    Clock.systemUTC())) {
                MinerClient.PaidAnswer bought = new MinerClient(
                                reseller.baseUri(),
                                Amount.parse("0.05", cyb),
                                buyerWallet.purchaser(buyerKey, dev.cyberia.treasury.PurchaseGate.NONE))
                        .chat(key(), "tiny-chat", List.of(Message.user("Who are you?")), GenerationOptions.greedy(40));
                assertThat(bought.text()).isEqualTo("I am the Cyberia tiny model.");
                assertThat(bought.pricePaid()).isEqualTo(Amount.parse("0.02", cyb));
            }
        }
    }

    @Test
    void aPriceAboveTheCap_isRefused_andAMinerThatIsDown_isRetriable() {
        Amount before = chain.balanceOf(cyb, minerKey.address());
        assertThatThrownBy(() -> client("0.001")
                        .chat(key(), "tiny-chat", List.of(Message.user("ping")), GenerationOptions.greedy(8)))
                .hasMessageContaining("above the cap");
        assertThat(chain.balanceOf(cyb, minerKey.address())).isEqualTo(before);
        MinerClient nobody = new MinerClient(
                URI.create("http://127.0.0.1:1"),
                Amount.parse("1", cyb),
                buyerWallet.purchaser(buyerKey, dev.cyberia.treasury.PurchaseGate.NONE));
        assertThatThrownBy(() ->
                        nobody.chat(key(), "tiny-chat", List.of(Message.user("ping")), GenerationOptions.greedy(8)))
                .isInstanceOf(MinerUnavailableException.class)
                .satisfies(e -> assertThat(((InferenceException) e).retriable()).isTrue());
    }

    @Test
    void aPromptLongerThanTheContext_isRefusedWith400_beforeAnyPayment() throws Exception {
        Amount minerBefore = chain.balanceOf(cyb, minerKey.address());
        Amount buyerBefore = chain.balanceOf(cyb, buyerKey.address());
        String tooLong = "x".repeat(600); // the tiny model's context is 512 tokens, one per byte
        HttpResponse<String> asked = post(
                "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tooLong + "\"}]}", null);
        assertThat(asked.statusCode()).isEqualTo(400);
        assertThat(asked.body()).contains("context_length_exceeded");
        assertThat(asked.headers().firstValue(X402.PAYMENT_REQUIRED)).isEmpty();
        assertThatThrownBy(() -> client("0.05")
                        .chat(key(), "tiny-chat", List.of(Message.user(tooLong)), GenerationOptions.greedy(8)))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("400");
        assertThat(chain.balanceOf(cyb, minerKey.address())).isEqualTo(minerBefore);
        assertThat(chain.balanceOf(cyb, buyerKey.address())).isEqualTo(buyerBefore);
    }

    @Test
    void reachingTheContextWhileGenerating_endsWithFinishReasonLength() {
        MinerClient.PaidAnswer answer = client("0.05")
                .chat(key(), "tiny-chat", List.of(Message.user("y".repeat(400))), GenerationOptions.greedy(200));
        assertThat(answer.promptTokens() + answer.completionTokens()).isLessThanOrEqualTo(model.contextLength());
        assertThat(answer.pricePaid()).isEqualTo(Amount.parse("0.01", cyb));
        assertThat(answer.dispute()).isEmpty();
    }

    /** anvil's dev account #7, a buyer that exists only for the official client below. */
    private static final String OFFICIAL_BUYER_KEY =
            "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";

    @Test
    void theOfficialX402Client_paysTheMiner_exactlyTheAskedPrice_andGetsTheAnswer() throws Exception {
        java.nio.file.Path fixture = dev.cyberia.treasury.NodeFixture.installed("x402");
        dev.cyberia.keystore.Address official;
        try (Mnemonic dev =
                Mnemonic.parse("test test test test test test test test test test test junk".toCharArray())) {
            official = keystore.importMnemonic(
                            "official",
                            dev,
                            Passphrase.empty(),
                            DerivationPath.ethereum(7),
                            Passphrase.wrap("pw".toCharArray()),
                            Kdf.LIGHT,
                            KeyOrigin.MNEMONIC)
                    .address();
        }
        devnet.fund(official, BigInteger.ZERO, BigInteger.valueOf(1_000_000));
        Amount minerBefore = chain.balanceOf(cyb, minerKey.address());
        Process pay = new ProcessBuilder(
                        "node",
                        "pay-once.mjs",
                        "--url",
                        miner.baseUri() + "/v1/chat/completions",
                        "--buyer-key",
                        OFFICIAL_BUYER_KEY,
                        "--method",
                        "POST",
                        "--body",
                        ASK,
                        "--rpc",
                        chain.rpc().toString())
                .directory(fixture.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(pay.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(pay.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(pay.exitValue()).as(out).isZero();
        com.fasterxml.jackson.databind.JsonNode result =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        assertThat(result.path("buyer").asText()).isEqualToIgnoringCase(official.toString());
        assertThat(result.path("status").asInt()).isEqualTo(200);
        assertThat(result.path("body")
                        .path("choices")
                        .path(0)
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo("pong");
        assertThat(result.path("paymentResponse").path("success").asBoolean()).isTrue();
        assertThat(chain.balanceOf(cyb, minerKey.address())).isEqualTo(minerBefore.plus(Amount.parse("0.01", cyb)));
    }

    /** anvil's dev account #8, a buyer that exists only for the official channel client below. */
    private static final String OFFICIAL_CHANNEL_BUYER_KEY =
            "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";

    @Test
    void theOfficialBatchSettlementClient_paysTheMinerManyRequestsOverOneChannel_chargedByTheToken() throws Exception {
        java.nio.file.Path fixture = dev.cyberia.treasury.NodeFixture.installed("x402");
        dev.cyberia.keystore.Address official =
                dev.cyberia.keystore.Address.parse("0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f");
        devnet.fund(official, BigInteger.ZERO, BigInteger.valueOf(1_000_000));
        try (Signer channelMiner = dev.cyberia.treasury.DevKeys.unlock(keystore, "channel-miner", 4);
                TreasuryDatabase db = TestDatabases.fresh();
                MinerServer perToken = MinerServer.start(
                        MinerServer.Config.local(
                                        0,
                                        Amount.parse("0.01", cyb),
                                        new TokenDomain(
                                                "ComputeToken",
                                                "1",
                                                Devnet.CHAIN_ID,
                                                cyb.token().orElseThrow()))
                                .pricedPerToken(Amount.parse("0.001", cyb)),
                        ChatBackend.local(model),
                        Treasury.open(
                                db, chain, cyb, channelMiner.address(), Clock.systemUTC(), Treasury.Options.DEFAULT),
                        channelMiner,
                        Clock.systemUTC())) {
            Amount minerBefore = chain.balanceOf(cyb, channelMiner.address());
            long blockBefore = chain.blockNumber();
            Process pay = new ProcessBuilder(
                            "node",
                            "channel-pay.mjs",
                            "--url",
                            perToken.baseUri() + "/v1/chat/completions",
                            "--private-key",
                            OFFICIAL_CHANNEL_BUYER_KEY,
                            "--count",
                            "12",
                            "--body",
                            ASK,
                            "--rpc",
                            chain.rpc().toString())
                    .directory(fixture.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(pay.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(pay.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(pay.exitValue()).as(out).isZero();
            com.fasterxml.jackson.databind.JsonNode result =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
            assertThat(result.path("payer").asText()).isEqualToIgnoringCase(official.toString());
            assertThat(result.path("statuses"))
                    .allSatisfy(s -> assertThat(s.asInt()).isEqualTo(200));
            assertThat(result.path("bodies")
                            .path(11)
                            .path("choices")
                            .path(0)
                            .path("message")
                            .path("content")
                            .asText())
                    .isEqualTo("pong");
            BigInteger charged = BigInteger.ZERO;
            for (com.fasterxml.jackson.databind.JsonNode r : result.path("responses")) {
                assertThat(r.path("success").asBoolean()).isTrue();
                BigInteger each =
                        new BigInteger(r.path("extra").path("chargedAmount").asText());
                assertThat(each)
                        .isPositive()
                        .isLessThan(BigInteger.valueOf(10_000)); // by the token, below the 0.01 cap
                charged = charged.add(each);
            }
            // one deposit went on chain; the twelve answers were paid by vouchers alone
            assertThat(result.path("responses").path(0).path("transaction").asText())
                    .isNotEmpty();
            assertThat(result.path("responses").path(5).path("transaction").asText())
                    .isEmpty();
            assertThat(chain.blockNumber() - blockBefore).isEqualTo(1);
            X402Paywall.Claims claims = perToken.claimChannels();
            assertThat(claims.channels()).isEqualTo(1);
            assertThat(claims.paidOut()).as(out).isEqualTo(charged);
            assertThat(chain.balanceOf(cyb, channelMiner.address()).baseUnits())
                    .isEqualTo(minerBefore.baseUnits().add(charged));
        }
    }

    @Test
    void ourBuyer_paysTheMinerOverAChannel_oneDepositThenVouchers_withReceipts() throws Exception {
        try (Signer channelBuyer = dev.cyberia.treasury.DevKeys.unlock(keystore, "channel-buyer", 3);
                TreasuryDatabase db = TestDatabases.fresh()) {
            devnet.fund(channelBuyer.address(), BigInteger.ZERO, BigInteger.valueOf(1_000_000));
            Treasury wallet =
                    Treasury.open(db, chain, cyb, channelBuyer.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
            MinerClient client = new MinerClient(
                    miner.baseUri(),
                    Amount.parse("0.05", cyb),
                    wallet.purchaser(channelBuyer, dev.cyberia.treasury.PurchaseGate.NONE));
            long blockBefore = chain.blockNumber();
            for (int i = 0; i < 5; i++) {
                MinerClient.PaidAnswer answer =
                        client.chat(key(), "tiny-chat", List.of(Message.user("ping")), GenerationOptions.greedy(8));
                assertThat(answer.text()).isEqualTo("pong");
                assertThat(answer.pricePaid()).isEqualTo(Amount.parse("0.01", cyb));
                assertThat(answer.dispute()).isEmpty();
                assertThat(answer.receipt().orElseThrow().miner()).isEqualTo(minerKey.address());
            }
            assertThat(chain.blockNumber() - blockBefore).isEqualTo(1); // the deposit; no transaction per answer
            assertThat(wallet.ledger())
                    .filteredOn(e -> e.account().equals("expenses:inference"))
                    .extracting(LedgerEntry::units)
                    .containsOnly("0.01")
                    .hasSize(5);
            Amount minerBefore = chain.balanceOf(cyb, minerKey.address());
            X402Paywall.Claims claims = miner.claimChannels();
            assertThat(claims.paidOut()).isEqualTo(BigInteger.valueOf(50_000));
            assertThat(chain.balanceOf(cyb, minerKey.address())).isEqualTo(minerBefore.plus(Amount.parse("0.05", cyb)));
        }
    }
}
