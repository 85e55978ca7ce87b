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
        Generation sum = model.chat(List.of(Message.user("What is 7+8?")), GenerationOptions.greedy(16));
        assertThat(sum.text()).isEqualTo("15");
        assertThat(sum.finishReason()).isEqualTo(Generation.FinishReason.END_OF_SEQUENCE);
        assertThat(sum.completionTokens()).isEqualTo(2);
        String prompt = model.renderPrompt(List.of(Message.user("What is 7+8?")));
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

    @Test
    void toolCallText_comesOutWhole() {
        Generation call = model.chat(List.of(Message.user("Weather in Oslo?")), GenerationOptions.greedy(96));
        assertThat(call.text())
                .isEqualTo("<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>");
    }

    @Test
    void maxNewTokensAndStopStrings_endGenerationEarly() {
        Generation cut = model.chat(List.of(Message.user("Weather in Oslo?")), GenerationOptions.greedy(5));
        assertThat(cut.completionTokens()).isEqualTo(5);
        assertThat(cut.finishReason()).isEqualTo(Generation.FinishReason.LENGTH);
        assertThat(cut.text()).isEqualTo("<tool");

        Generation stopped = model.chat(
                List.of(Message.user("Weather in Oslo?")),
                GenerationOptions.greedy(96).withStopStrings(List.of("\"arguments\"")));
        assertThat(stopped.text()).isEqualTo("<tool_call>{\"name\":\"weather\",");
        assertThat(stopped.finishReason()).isEqualTo(Generation.FinishReason.STOP_STRING);
    }

    @Test
    void streaming_handsOverPiecesThatAddUpToTheAnswer_withoutTheStopString() {
        List<String> pieces = new java.util.ArrayList<>();
        Generation whole = model.chatStreaming(
                List.of(Message.user("Weather in Oslo?")), GenerationOptions.greedy(96), pieces::add);
        assertThat(pieces.size()).isGreaterThan(5);
        assertThat(String.join("", pieces)).isEqualTo(whole.text());

        List<String> stopped = new java.util.ArrayList<>();
        Generation cut = model.chatStreaming(
                List.of(Message.user("Weather in Oslo?")),
                GenerationOptions.greedy(96).withStopStrings(List.of("\"arguments\"")),
                stopped::add);
        assertThat(String.join("", stopped)).isEqualTo(cut.text()).isEqualTo("<tool_call>{\"name\":\"weather\",");
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
