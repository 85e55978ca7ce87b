package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.inference.Generation;
import dev.cyberia.inference.GenerationOptions;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.Message;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "infer",
        description = "Ask a model: a local ONNX model folder (Hugging Face layout), run on this machine through DJL.")
final class InferCommand extends Subcommand {
    @Parameters(paramLabel = "PROMPT", description = "The user message.")
    String prompt;

    @picocli.CommandLine.ArgGroup(multiplicity = "1")
    Provider provider;

    static final class Provider {
        @Option(
                names = "--model",
                paramLabel = "DIR",
                description =
                        "A local model folder (model.onnx, tokenizer.json," + " config.json, tokenizer_config.json).")
        Path model;

        @Option(names = "--miner", paramLabel = "URL", description = "A miner to buy the answer from, paid with x402.")
        java.net.URI miner;
    }

    @Option(names = "--key", paramLabel = "NAME", description = "With --miner: the key that pays.")
    String key;

    @Option(
            names = "--max-price",
            paramLabel = "AMOUNT",
            description = "With --miner: the most to pay for one answer, in token units.")
    String maxPrice;

    @Option(names = "--passphrase-file", paramLabel = "FILE")
    Path passphraseFile;

    @Option(
            names = "--verify",
            paramLabel = "DIR",
            description = "With --miner: replay the answer through your own copy of the model in DIR; an answer"
                    + " that model would not give is recorded as a dispute against the miner.")
    Path verify;

    @picocli.CommandLine.Mixin
    ChainOptions chainOptions;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message first.")
    String system;

    @Option(
            names = "--max-tokens",
            defaultValue = "256",
            description = "Most tokens to generate (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1")
    double topP;

    @Option(names = "--seed", paramLabel = "N", description = "Makes sampling reproducible.")
    Long seed;

    @Override
    public Integer call() {
        if (maxTokens < 1 || temperature < 0 || topP <= 0 || topP > 1) {
            throw new CliInputException("--max-tokens must be at least 1, --temperature at least 0, --top-p in (0, 1]");
        }
        GenerationOptions options = new GenerationOptions(
                maxTokens, temperature, topP, seed == null ? OptionalLong.empty() : OptionalLong.of(seed), List.of());
        List<Message> messages =
                system == null ? List.of(Message.user(prompt)) : List.of(Message.system(system), Message.user(prompt));
        if (provider.miner != null) {
            return fromMiner(messages, options);
        }
        if (verify != null) {
            throw new CliInputException(
                    "--verify checks an answer bought with --miner; a local --model needs no check");
        }
        Path model = provider.model;
        long started = System.nanoTime();
        Generation g;
        try (LocalModel local = LocalModel.open(model)) {
            g = local.chat(messages, options);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        ObjectNode n = Json.object();
        n.put("answer", g.text());
        n.put("provider", "local:" + model.toAbsolutePath().normalize());
        n.put("promptTokens", g.promptTokens());
        n.put("completionTokens", g.completionTokens());
        n.put("finishReason", g.finishReason().name());
        n.put("pricePaid", "0");
        n.put("millis", millis);
        print(
                n,
                g.text() + System.lineSeparator() + System.lineSeparator() + "provider: local "
                        + model.toAbsolutePath().normalize()
                        + " | tokens: " + g.promptTokens() + " in, " + g.completionTokens() + " out ("
                        + g.finishReason().name().toLowerCase()
                        + ") | paid: nothing | " + millis + " ms");
        return 0;
    }

    private int fromMiner(List<Message> messages, GenerationOptions options) {
        if (key == null || maxPrice == null) {
            throw new CliInputException("--miner needs --key NAME (who pays) and --max-price AMOUNT (the most to pay)");
        }
        ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
        dev.cyberia.treasury.Amount cap = dev.cyberia.treasury.Amount.parsePositive(maxPrice, chain.token());
        String modelId = firstModel(provider.miner);
        long started = System.nanoTime();
        dev.cyberia.inference.MinerClient.PaidAnswer answer;
        try (dev.cyberia.treasury.TreasuryDatabase db = root().openDatabase();
                LocalModel reference = verify == null ? null : LocalModel.open(verify)) {
            java.util.Optional<dev.cyberia.inference.SpotCheck> check = java.util.Optional.ofNullable(reference)
                    .map(m -> new dev.cyberia.inference.SpotCheck(
                            new dev.cyberia.inference.SpotCheck.Policy(
                                    1.0,
                                    java.util.Optional.empty(),
                                    dev.cyberia.inference.SpotCheck.Policy.DEFAULT.tolerance()),
                            m,
                            new java.security.SecureRandom()));
            answer = withSigner(key, passphraseFile, signer -> {
                dev.cyberia.treasury.Treasury wallet =
                        chain.treasury(db, signer.address(), environment().clock());
                return new dev.cyberia.inference.MinerClient(
                                provider.miner,
                                cap,
                                wallet.purchaser(signer, dev.cyberia.treasury.PurchaseGate.NONE),
                                check)
                        .chat("infer:" + java.util.UUID.randomUUID(), modelId, messages, options);
            });
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        ObjectNode n = Json.object();
        n.put("answer", answer.text());
        n.put("provider", "miner:" + provider.miner + " (" + modelId + ")");
        n.put("promptTokens", answer.promptTokens());
        n.put("completionTokens", answer.completionTokens());
        n.put("pricePaid", answer.pricePaid().units());
        n.put("asset", answer.pricePaid().asset().symbol());
        n.put("transaction", answer.transaction());
        n.put("receiptSignedBy", answer.receipt().map(r -> r.miner().toString()).orElse(""));
        answer.dispute().ifPresent(d -> n.put("dispute", d));
        if (verify != null) {
            n.put("verified", answer.dispute().isEmpty());
        }
        n.put("millis", millis);
        print(
                n,
                answer.text() + System.lineSeparator() + System.lineSeparator() + "provider: miner " + provider.miner
                        + " ("
                        + modelId + ") | tokens: " + answer.promptTokens() + " in, " + answer.completionTokens()
                        + " out | paid: "
                        + answer.pricePaid() + " (tx " + answer.transaction()
                        + answer.receipt()
                                .map(r -> ", receipt signed by " + r.miner())
                                .orElse(", no receipt")
                        + ") | " + millis + " ms"
                        + answer.dispute()
                                .map(d -> System.lineSeparator() + "dispute recorded: " + d)
                                .orElse(
                                        verify == null
                                                ? ""
                                                : System.lineSeparator() + "verified: replayed through " + verify
                                                        + ", every token and log-probability matches"));
        return answer.dispute().isPresent() && answer.text().isEmpty() ? 1 : 0; // paid, nothing usable came
    }

    static String firstModel(java.net.URI miner) {
        try {
            var response = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(miner.resolve("/v1/models"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(response.body())
                    .path("data")
                    .path(0)
                    .path("id")
                    .asText();
        } catch (java.io.IOException e) {
            throw new dev.cyberia.inference.MinerUnavailableException("the miner at " + miner + " is not reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.cyberia.inference.MinerUnavailableException("interrupted", e);
        }
    }
}
