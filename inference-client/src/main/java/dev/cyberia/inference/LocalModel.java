package dev.cyberia.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.cyberia.inference.internal.ChatTemplate;
import dev.cyberia.inference.internal.ModelFolder;
import dev.cyberia.inference.internal.OnnxDecoder;
import dev.cyberia.inference.internal.Sampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A decoder language model in the Hugging Face ONNX layout, run locally through DJL's ONNX Runtime
 * engine with its own tokenizer ({@code tokenizer.json}) and chat template. Thread-safe: each call
 * has its own key/value cache; calls are serialised per model.
 */
public final class LocalModel implements AutoCloseable {
    private final ModelFolder folder;
    private final HuggingFaceTokenizer tokenizer;
    private final ChatTemplate template;
    private final OnnxDecoder decoder;

    private LocalModel(ModelFolder folder, HuggingFaceTokenizer tokenizer, OnnxDecoder decoder) {
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(folder.chatTemplate(), folder.bosToken(), folder.eosToken());
        this.decoder = decoder;
    }

    /**
     * Opens a model folder.
     *
     * @throws InvalidModelException naming the missing or malformed file
     */
    public static LocalModel open(Path directory) {
        ModelFolder folder = ModelFolder.open(directory);
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(
                    directory.resolve("tokenizer.json"),
                    Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false"));
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException(
                    "model folder " + directory + ": tokenizer.json cannot be loaded (" + e.getMessage() + ")", e);
        }
        return new LocalModel(folder, tokenizer, new OnnxDecoder(folder));
    }

    /** The folder's name, used as the model's id. */
    public String name() {
        return folder.directory().getFileName().toString();
    }

    /** The prompt text the chat template makes of these messages, ready for the assistant's turn. */
    public String renderPrompt(List<Message> messages) {
        return template.render(messages, true);
    }

    /** The most tokens the model can hold: prompt and answer together. */
    public int contextLength() {
        return folder.maxPositions();
    }

    /** How many tokens {@code messages} take as this model's prompt. */
    public int promptTokens(List<Message> messages) {
        return encode(renderPrompt(messages)).length;
    }

    public Generation chat(List<Message> messages, GenerationOptions options) {
        return complete(renderPrompt(messages), options);
    }

    /** Continues raw prompt text. */
    public Generation complete(String prompt, GenerationOptions options) {
        return complete(prompt, options, null);
    }

    /** Like {@link #chat(List, GenerationOptions)}, handing each new piece of text to {@code onText} as it is generated. */
    public Generation chatStreaming(
            List<Message> messages, GenerationOptions options, java.util.function.Consumer<String> onText) {
        return complete(renderPrompt(messages), options, onText);
    }

    /**
     * Continues raw prompt text; with {@code onText}, streams the answer in pieces. A piece is only
     * handed over once it cannot be an unfinished UTF-8 character or the start of a stop string.
     */
    public synchronized Generation complete(
            String prompt, GenerationOptions options, java.util.function.Consumer<String> onText) {
        long[] promptIds = encode(prompt);
        int emitted = 0;
        int holdBack =
                options.stopStrings().stream().mapToInt(String::length).max().orElse(1) - 1;
        Sampler sampler = new Sampler(
                options.temperature(),
                options.topP(),
                options.seed().isPresent() ? new Random(options.seed().getAsLong()) : new Random());
        long[] generated = new long[options.maxNewTokens()];
        int count = 0;
        Generation.FinishReason reason = Generation.FinishReason.LENGTH;
        String text = "";
        try (OnnxDecoder.Cache cache = decoder.newCache()) {
            if (promptIds.length >= folder.maxPositions()) {
                throw new InferenceException("the prompt of " + promptIds.length
                        + " tokens leaves no room in the model's context of " + folder.maxPositions());
            }
            float[] logits = decoder.forward(promptIds, cache);
            while (count < options.maxNewTokens()) {
                long next = sampler.next(logits);
                if (folder.endOfSequenceIds().contains(next)) {
                    reason = Generation.FinishReason.END_OF_SEQUENCE;
                    break;
                }
                generated[count++] = next;
                if (!options.stopStrings().isEmpty() || onText != null) { // only these need the text while generating
                    text = decode(Arrays.copyOf(generated, count));
                    int stop = firstStop(text, options.stopStrings());
                    if (stop >= 0) {
                        text = text.substring(0, stop);
                        reason = Generation.FinishReason.STOP_STRING;
                        break;
                    }
                    if (onText != null) {
                        int safe = text.length() - holdBack - (text.endsWith("\uFFFD") ? 1 : 0);
                        if (safe > emitted) {
                            onText.accept(text.substring(emitted, safe));
                            emitted = safe;
                        }
                    }
                }
                if (promptIds.length + count >= folder.maxPositions()) {
                    break; // the context is full: the answer ends here, finish reason LENGTH
                }
                if (count < options.maxNewTokens()) {
                    logits = decoder.forward(new long[] {next}, cache);
                }
            }
        }
        if (reason != Generation.FinishReason.STOP_STRING) {
            text = decode(Arrays.copyOf(generated, count));
        }
        if (onText != null && text.length() > emitted) {
            onText.accept(text.substring(emitted));
        }
        return new Generation(text, promptIds.length, count, reason);
    }

    long[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        return encoding.getIds();
    }

    String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    private static int firstStop(String text, List<String> stops) {
        int first = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    @Override
    public void close() {
        decoder.close();
        tokenizer.close();
    }
}
