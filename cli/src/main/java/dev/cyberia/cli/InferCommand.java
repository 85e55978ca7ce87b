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

    @Option(
            names = "--model",
            paramLabel = "DIR",
            required = true,
            description = "A model folder (model.onnx, tokenizer.json," + " config.json, tokenizer_config.json).")
    Path model;

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
}
