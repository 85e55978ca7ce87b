package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.inference.internal.ModelFolder;
import dev.cyberia.inference.internal.OnnxDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny real model (models/tiny-chat, made by models/make_tiny_model.py) through the code path a user's model takes. */
class LocalModelTest {
    static final Path TINY = Path.of("../models/tiny-chat").toAbsolutePath().normalize();
    static LocalModel model;

    @BeforeAll
    static void load() {
        model = LocalModel.open(TINY);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void chatTemplate_isTheModelsOwnJinjaTemplate() {
        assertThat(model.renderPrompt(List.of(Message.user("ping"))))
                .isEqualTo("<|im_start|>user\nping<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void greedyGeneration_answersWhatTheModelWasTaught_andCountsTokens() {
        Generation sum = model.chat(List.of(Message.user("Who are you?")), GenerationOptions.greedy(40));
        assertThat(sum.text()).isEqualTo("I am the Cyberia tiny model.");
        assertThat(sum.finishReason()).isEqualTo(Generation.FinishReason.END_OF_SEQUENCE);
        assertThat(sum.completionTokens()).isEqualTo("I am the Cyberia tiny model.".length());
        String prompt = model.renderPrompt(List.of(Message.user("Who are you?")));
        int specials = 3; // <|im_start|> twice and <|im_end|> once, one token each; the rest is one token per byte
        assertThat(sum.promptTokens())
                .isEqualTo(prompt.replace("<|im_start|>", "")
                                .replace("<|im_end|>", "")
                                .length()
                        + specials);

        assertThat(model.chat(List.of(Message.user("ping")), GenerationOptions.greedy(16))
                        .text())
                .isEqualTo("pong");
    }

    static final ToolDefinition WEATHER = new ToolDefinition(
            "weather",
            "Get the weather for a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    @Test
    void toolsReachTheModel_andItsCallIsReadBack() {
        assertThat(model.renderPrompt(List.of(Message.user("Weather in Oslo?")), List.of(WEATHER)))
                .isEqualTo("<|im_start|>system\nTools:\nGet the weather for a city. -> weather(city)\n<|im_end|>\n"
                        + "<|im_start|>user\nWeather in Oslo?<|im_end|>\n<|im_start|>assistant\n");
        Generation call =
                model.chat(List.of(Message.user("Weather in Oslo?")), List.of(WEATHER), GenerationOptions.greedy(96));
        assertThat(call.toolCalls()).containsExactly(new FunctionCall("call00000", "weather", "{\"city\":\"Oslo\"}"));
        assertThat(call.text()).isEmpty();
        assertThat(call.finishReason()).isEqualTo(Generation.FinishReason.TOOL_CALLS);

        Generation done = model.chat(
                List.of(
                        Message.user("Weather in Oslo?"),
                        Message.assistant("", call.toolCalls()),
                        Message.toolResult(call.toolCalls().get(0), "12 C, clear")),
                List.of(WEATHER),
                GenerationOptions.greedy(16));
        assertThat(done.toolCalls()).isEmpty();
        assertThat(done.text()).isEqualTo("Done.");
    }

    @Test
    void maxNewTokensAndStopStrings_endGenerationEarly() {
        List<Message> who = List.of(Message.user("Who are you?"));
        assertThat(model.chat(who, GenerationOptions.greedy(64)).text()).isEqualTo("I am the Cyberia tiny model.");
        Generation cut = model.chat(who, GenerationOptions.greedy(5));
        assertThat(cut.completionTokens()).isEqualTo(5);
        assertThat(cut.finishReason()).isEqualTo(Generation.FinishReason.LENGTH);
        assertThat(cut.text()).isEqualTo("I am ");

        Generation stopped = model.chat(who, GenerationOptions.greedy(64).withStopStrings(List.of("tiny")));
        assertThat(stopped.text()).isEqualTo("I am the Cyberia ");
        assertThat(stopped.finishReason()).isEqualTo(Generation.FinishReason.STOP_STRING);
    }

    @Test
    void streaming_handsOverPiecesThatAddUpToTheAnswer_withoutTheStopString_norACall() {
        List<Message> who = List.of(Message.user("Who are you?"));
        List<String> pieces = new java.util.ArrayList<>();
        Generation whole = model.chatStreaming(who, GenerationOptions.greedy(64), pieces::add);
        assertThat(pieces.size()).isGreaterThan(5);
        assertThat(String.join("", pieces)).isEqualTo(whole.text());

        List<String> stopped = new java.util.ArrayList<>();
        Generation cut =
                model.chatStreaming(who, GenerationOptions.greedy(64).withStopStrings(List.of("tiny")), stopped::add);
        assertThat(String.join("", stopped)).isEqualTo(cut.text()).isEqualTo("I am the Cyberia ");

        List<String> callPieces = new java.util.ArrayList<>();
        Generation call = model.chatStreaming(
                List.of(Message.user("Weather in Oslo?")),
                List.of(WEATHER),
                GenerationOptions.greedy(96),
                callPieces::add);
        assertThat(call.toolCalls()).hasSize(1);
        assertThat(String.join("", callPieces)).as("a call is not text").isEmpty();
    }

    @Test
    void aLongConversation_isTrimmedToTheSystemMessageAndTheLatestTurns_andAPromptThatCannotFitIsRefused() {
        List<Message> history = new java.util.ArrayList<>();
        history.add(Message.system("You are a helpful agent."));
        for (int i = 0; i < 40; i++) {
            history.add(Message.user("What is 1+" + (i % 9) + "?"));
            history.add(new Message("assistant", Integer.toString(1 + i % 9)));
        }
        history.add(Message.user("What is 2+3?"));
        assertThat(model.promptTokens(history)).isGreaterThan(model.contextLength());
        assertThat(model.refusal(history, List.of(), GenerationOptions.greedy(8)))
                .isEmpty();
        Generation g = model.chat(history, GenerationOptions.greedy(8));
        assertThat(g.promptTokens())
                .as("as many of the latest turns as fit, 8 tokens left for the answer")
                .isLessThanOrEqualTo(model.contextLength() - 8)
                .isGreaterThan(model.contextLength() - 8 - 50); // one user and assistant turn is about 40

        List<Message> tooLong = List.of(Message.system("You are a helpful agent."), Message.user("y".repeat(600)));
        assertThat(model.refusal(tooLong, List.of(), GenerationOptions.greedy(8)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("shorten the prompt"));
        assertThatThrownBy(() -> model.chat(tooLong, GenerationOptions.greedy(8)))
                .isInstanceOf(ContextLengthExceededException.class)
                .hasMessageContaining("even trimmed to the system message and the last turn");
    }

    @Test
    void sampling_withASeed_isReproducible() {
        GenerationOptions sampled = GenerationOptions.greedy(12).withSampling(1.5, 0.95, 42);
        Generation a = model.complete("<|im_start|>user\nSay", sampled);
        Generation b = model.complete("<|im_start|>user\nSay", sampled);
        assertThat(a.text()).isEqualTo(b.text());
        boolean anyDiffers = false;
        for (long seed = 1; seed < 8 && !anyDiffers; seed++) {
            anyDiffers = !model.complete(
                            "<|im_start|>user\nSay",
                            GenerationOptions.greedy(12).withSampling(1.5, 0.95, seed))
                    .text()
                    .equals(a.text());
        }
        assertThat(anyDiffers).as("other seeds give other samples").isTrue();
    }

    @Test
    void keyValueCache_givesTheSameLogitsAsRecomputingTheWholeSequence() {
        ModelFolder folder = ModelFolder.open(TINY);
        try (OnnxDecoder decoder = new OnnxDecoder(folder)) {
            long[] prompt = {257, 'u', 's', 'e', 'r', '\n', 'p', 'i'};
            float[] cachedLogits;
            try (OnnxDecoder.Cache cache = decoder.newCache()) {
                decoder.forward(prompt, cache);
                decoder.forward(new long[] {'n'}, cache);
                cachedLogits = decoder.forward(new long[] {'g'}, cache);
                assertThat(cache.length()).isEqualTo(prompt.length + 2);
            }
            float[] fullLogits;
            try (OnnxDecoder.Cache fresh = decoder.newCache()) {
                long[] whole = java.util.Arrays.copyOf(prompt, prompt.length + 2);
                whole[prompt.length] = 'n';
                whole[prompt.length + 1] = 'g';
                fullLogits = decoder.forward(whole, fresh);
            }
            assertThat(cachedLogits).hasSameSizeAs(fullLogits);
            for (int i = 0; i < fullLogits.length; i++) {
                assertThat(cachedLogits[i]).isCloseTo(fullLogits[i], org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
    }

    @Test
    void folderMissingAFile_isRefusedNamingTheFile(@TempDir Path tmp) throws IOException {
        for (String missing : List.of("tokenizer.json", "config.json", "tokenizer_config.json", "model.onnx")) {
            Path copy = tmp.resolve("without-" + missing);
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(TINY)) {
                for (Path f : files.toList()) {
                    if (!f.getFileName().toString().equals(missing)) {
                        Files.copy(f, copy.resolve(f.getFileName()));
                    }
                }
            }
            assertThatThrownBy(() -> LocalModel.open(copy))
                    .isInstanceOf(InvalidModelException.class)
                    .hasMessageContaining("is missing " + missing);
        }
    }
}
