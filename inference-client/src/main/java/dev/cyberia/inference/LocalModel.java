package dev.cyberia.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.cyberia.inference.internal.ChatTemplate;
import dev.cyberia.inference.internal.ModelFolder;
import dev.cyberia.inference.internal.OnnxDecoder;
import dev.cyberia.inference.internal.Sampler;
import dev.cyberia.inference.internal.ToolCallFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * A decoder language model in the Hugging Face ONNX layout, run locally through DJL's ONNX Runtime
 * engine with its own tokenizer ({@code tokenizer.json}) and chat template. Tools reach the model
 * through its template (see {@link ChatTemplate}); tool calls are read back in the format its
 * family writes (Hermes {@code <tool_call>}, Llama 3 JSON, Mistral {@code [TOOL_CALLS]}), chosen
 * from the folder.
 *
 * <p><b>Long conversations</b> are trimmed before they are run: the leading system message is
 * kept, then the latest turns that fit, starting at a user message; the prompt must leave
 * {@code min(maxNewTokens, max(16, context / 8))} tokens for the answer. A prompt that cannot fit
 * even so is refused with {@link ContextLengthExceededException}. Thread-safe: calls are
 * serialised per model, each with its own key/value cache.
 */
public final class LocalModel implements AutoCloseable {
    private final ModelFolder folder;
    private final HuggingFaceTokenizer tokenizer;
    private final ChatTemplate template;
    private final ChatTemplate toolTemplate;
    private final ToolCallFormat format;
    private final OnnxDecoder decoder;

    private LocalModel(ModelFolder folder, HuggingFaceTokenizer tokenizer, OnnxDecoder decoder) {
        this.folder = folder;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(folder.chatTemplate(), folder.specialTokens());
        this.toolTemplate = folder.toolUseTemplate().equals(folder.chatTemplate())
                ? template
                : new ChatTemplate(folder.toolUseTemplate(), folder.specialTokens());
        this.format = ToolCallFormat.of(folder.toolUseTemplate(), folder.modelType());
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

    /** How this model writes tool calls: {@code HERMES}, {@code LLAMA3_JSON} or {@code MISTRAL}. */
    public String toolCallFormat() {
        return format.name();
    }

    /** The prompt text the chat template makes of these messages and tools, ready for the assistant's turn. */
    public String renderPrompt(List<Message> messages, List<ToolDefinition> tools) {
        return (tools.isEmpty() ? template : toolTemplate).render(messages, tools, true);
    }

    public String renderPrompt(List<Message> messages) {
        return renderPrompt(messages, List.of());
    }

    /** The most tokens the model can hold: prompt and answer together. */
    public int contextLength() {
        return folder.maxPositions();
    }

    /** How many tokens {@code messages} take as this model's prompt, untrimmed. */
    public int promptTokens(List<Message> messages) {
        return encode(renderPrompt(messages)).length;
    }

    /** Why these messages cannot be answered (a prompt that does not fit even trimmed); empty when they can. */
    public Optional<String> refusal(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        try {
            fit(messages, tools, options);
            return Optional.empty();
        } catch (ContextLengthExceededException e) {
            return Optional.of(e.getMessage());
        }
    }

    public Generation chat(List<Message> messages, GenerationOptions options) {
        return chat(messages, List.of(), options);
    }

    /** One answer to {@code messages}, offered {@code tools}: text, tool calls, or both. */
    public Generation chat(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        return chatStreaming(messages, tools, options, null);
    }

    /**
     * Like {@link #chat}, handing out the answer's text as it is generated; with tools, text stops
     * being handed out where a tool call begins (the calls come whole, in the result).
     */
    public synchronized Generation chatStreaming(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Consumer<String> onText) {
        long[] prompt = fit(messages, tools, options);
        ToIntFunction<String> shown = tools.isEmpty() ? String::length : format::safeLength;
        Raw raw = generate(prompt, options, onText, shown);
        return answer(raw, prompt.length, tools);
    }

    /** The answer the raw generation makes: its text and, offered tools, its tool calls. */
    private Generation answer(Raw raw, int promptTokens, List<ToolDefinition> tools) {
        Optional<Fingerprint> fingerprint = Optional.of(raw.fingerprint);
        if (tools.isEmpty()) {
            return new Generation(clean(raw.text), List.of(), promptTokens, raw.tokens, raw.reason, fingerprint);
        }
        ToolCallFormat.Parsed parsed = format.parse(raw.text);
        boolean called = !parsed.calls().isEmpty() && raw.reason != Generation.FinishReason.LENGTH;
        return new Generation(
                clean(parsed.content()),
                parsed.calls(),
                promptTokens,
                raw.tokens,
                called ? Generation.FinishReason.TOOL_CALLS : raw.reason,
                fingerprint);
    }

    public Generation chatStreaming(List<Message> messages, GenerationOptions options, Consumer<String> onText) {
        return chatStreaming(messages, List.of(), options, onText);
    }

    /** Continues raw prompt text. */
    public Generation complete(String prompt, GenerationOptions options) {
        return complete(prompt, options, null);
    }

    /** Continues raw prompt text; with {@code onText}, streams the answer in pieces. */
    public synchronized Generation complete(String prompt, GenerationOptions options, Consumer<String> onText) {
        long[] ids = encode(prompt);
        if (ids.length >= folder.maxPositions()) {
            throw new ContextLengthExceededException("the prompt of " + ids.length
                    + " tokens leaves no room in the model's context of " + folder.maxPositions());
        }
        Raw raw = generate(ids, options, onText, String::length);
        return answer(raw, ids.length, List.of());
    }

    /**
     * What replaying an answer's fingerprint through this model found.
     *
     * @param matches whether every token is one this model picks (a near tie within the tolerance
     *     counts) and every recorded log-probability is within the tolerance of this model's
     * @param finding what did not match, or what was checked
     * @param tokens how many tokens were replayed
     * @param largestDifference the largest gap between a recorded log-probability and this model's
     */
    public record Replay(boolean matches, String finding, int tokens, double largestDifference) {}

    /**
     * Replays an answer through this model: the prompt as the miner fitted it, then the answer's
     * tokens one by one (one pass, no sampling), comparing at each step the token the answer has
     * with the one this model picks under the same options (greedy, or the same seed), and the
     * recorded log-probabilities with this model's. The served text and tool calls must be what
     * the tokens say.
     *
     * @param served the answer as the miner served it
     * @param tolerance the largest gap in log-probability taken as the same number computed
     *     elsewhere (0.01 is about 1%)
     */
    public synchronized Replay replay(
            List<Message> messages,
            List<ToolDefinition> tools,
            GenerationOptions options,
            Generation served,
            Fingerprint claimed,
            double tolerance) {
        if (!claimed.model().equals(identity())) {
            return new Replay(false, "the answer is from model " + claimed.model() + ", not " + identity(), 0, 0);
        }
        long[] tokens = claimed.tokens();
        if (tokens.length > options.maxNewTokens()) {
            return new Replay(
                    false,
                    "the answer has " + tokens.length + " tokens, more than the " + options.maxNewTokens()
                            + " asked for",
                    0,
                    0);
        }
        boolean deterministic = options.temperature() == 0 || options.seed().isPresent();
        int steps = tokens.length + (claimed.endOfSequence() ? 1 : 0);
        Map<Integer, Fingerprint.Position> recorded = new java.util.HashMap<>();
        for (Fingerprint.Position p : claimed.positions()) {
            recorded.put(p.index(), p);
        }
        for (int i = 0; i < steps; i++) {
            if (Fingerprint.sampled(i, steps) && !recorded.containsKey(i)) {
                return new Replay(false, "the fingerprint leaves out position " + i, 0, 0);
            }
        }
        Generation rebuilt =
                answer(new Raw(textOf(tokens, options), tokens.length, served.finishReason(), claimed), 0, tools);
        if (!rebuilt.text().equals(served.text()) || !rebuilt.toolCalls().equals(served.toolCalls())) {
            return new Replay(false, "the served answer is not what its tokens say", 0, 0);
        }
        long[] prompt = fit(messages, tools, options);
        Sampler sampler = new Sampler(
                options.temperature(),
                options.topP(),
                options.seed().isPresent() ? new Random(options.seed().getAsLong()) : new Random());
        long endOfSequence = folder.endOfSequenceIds().iterator().next();
        double largest = 0;
        try (OnnxDecoder.Cache cache = decoder.newCache()) {
            float[] logits = decoder.forward(prompt, cache);
            for (int i = 0; i < steps; i++) {
                double[] logprobs = logSoftmax(logits);
                Fingerprint.Position p = recorded.get(i);
                if (p != null) {
                    long[] ids = p.ids();
                    float[] said = p.logprobs();
                    for (int k = 0; k < ids.length; k++) {
                        if (ids[k] < 0 || ids[k] >= logprobs.length) {
                            return new Replay(
                                    false,
                                    "position " + i + " names token " + ids[k] + ", not in the vocabulary",
                                    i,
                                    largest);
                        }
                        double gap = Math.abs(logprobs[(int) ids[k]] - said[k]);
                        largest = Math.max(largest, gap);
                        if (gap > tolerance) {
                            return new Replay(
                                    false,
                                    String.format(
                                            java.util.Locale.ROOT,
                                            "at token %d the log-probability of token %d is %.4f in %s, the miner says %.4f",
                                            i,
                                            ids[k],
                                            logprobs[(int) ids[k]],
                                            identity(),
                                            said[k]),
                                    i,
                                    largest);
                        }
                    }
                }
                long had = i < tokens.length ? tokens[i] : endOfSequence;
                if (deterministic) {
                    long pick = sampler.next(logits);
                    boolean nearTie = options.temperature() == 0
                            && had >= 0
                            && had < logprobs.length
                            && logprobs[(int) had] >= logprobs[(int) pick] - tolerance;
                    boolean bothEnd = folder.endOfSequenceIds().contains(pick) && i == tokens.length;
                    if (pick != had && !nearTie && !bothEnd) {
                        return new Replay(
                                false,
                                "at token " + i + " " + identity() + " picks " + pick + ", the answer has " + had,
                                i,
                                largest);
                    }
                }
                if (i < tokens.length) {
                    logits = decoder.forward(new long[] {tokens[i]}, cache);
                }
            }
        }
        return new Replay(
                true,
                "all " + tokens.length + " tokens replayed"
                        + (deterministic ? "" : " (sampled without a seed: log-probabilities only)"),
                tokens.length,
                largest);
    }

    /** The answer's text its tokens make, cut at the first stop string. */
    private String textOf(long[] tokens, GenerationOptions options) {
        String text = decode(tokens);
        int stop = firstStop(text, options.stopStrings());
        return stop >= 0 ? text.substring(0, stop) : text;
    }

    /** The tokens the answer must leave room for. */
    private int answerReserve(GenerationOptions options) {
        return Math.min(options.maxNewTokens(), Math.max(16, folder.maxPositions() / 8));
    }

    /** What a fitted prompt depends on: the messages, the tools and the room kept for the answer. */
    private record FitKey(List<Message> messages, List<ToolDefinition> tools, int reserve) {}

    /**
     * The last prompts fitted: a server checks that a request fits before it asks for payment and
     * again before it answers, so one request would otherwise render the template three times.
     */
    private final Map<FitKey, long[]> fitted =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(32, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<FitKey, long[]> eldest) {
                    return size() > 64;
                }
            });

    /** The prompt's tokens, trimmed to the system message and the latest turns that fit. */
    private long[] fit(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        FitKey key = new FitKey(List.copyOf(messages), List.copyOf(tools), answerReserve(options));
        long[] known = fitted.get(key);
        if (known != null) {
            return known.clone();
        }
        long[] ids = fitUncached(messages, tools, options);
        fitted.put(key, ids.clone());
        return ids;
    }

    private long[] fitUncached(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        int budget = folder.maxPositions() - answerReserve(options);
        int head = !messages.isEmpty() && messages.get(0).role().equals("system") ? 1 : 0;
        List<Integer> starts = new ArrayList<>(List.of(head)); // the oldest turn kept: a user message
        for (int i = head + 1; i < messages.size(); i++) {
            if (messages.get(i).role().equals("user")) {
                starts.add(i);
            }
        }
        // later starts give shorter prompts: the earliest that fits, by binary search
        int lo = 0;
        int hi = starts.size() - 1;
        long[] best = null;
        int smallest = Integer.MAX_VALUE;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            List<Message> kept = new ArrayList<>(messages.subList(0, head));
            kept.addAll(messages.subList(starts.get(mid), messages.size()));
            long[] ids = encode(renderPrompt(kept, tools));
            if (ids.length <= budget) {
                best = ids;
                hi = mid - 1;
            } else {
                smallest = Math.min(smallest, ids.length);
                lo = mid + 1;
            }
        }
        if (best != null) {
            return best;
        }
        throw new ContextLengthExceededException("the prompt is " + smallest + " tokens even trimmed to the system"
                + " message and the last turn; the model's context holds " + folder.maxPositions() + ", "
                + answerReserve(options) + " of them kept for the answer: shorten the prompt or the tools");
    }

    private record Raw(String text, int tokens, Generation.FinishReason reason, Fingerprint fingerprint) {}

    /**
     * The generation loop. A piece of text is handed out once it cannot be an unfinished UTF-8
     * character, the start of a stop string, or (by {@code shown}) part of a tool call.
     */
    private Raw generate(
            long[] promptIds, GenerationOptions options, Consumer<String> onText, ToIntFunction<String> shown) {
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
        List<Fingerprint.Position> steps = new ArrayList<>();
        try (OnnxDecoder.Cache cache = decoder.newCache()) {
            float[] logits = decoder.forward(promptIds, cache);
            while (count < options.maxNewTokens()) {
                steps.add(topK(count, logits));
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
                        int safe = Math.min(
                                text.length() - holdBack - (text.endsWith("\uFFFD") ? 1 : 0), shown.applyAsInt(text));
                        String visible = safe > 0 ? clean(text.substring(0, safe)) : "";
                        if (visible.length() > emitted) {
                            onText.accept(visible.substring(emitted));
                            emitted = visible.length();
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
        if (onText != null) {
            String visible = clean(text.substring(0, Math.min(text.length(), shown.applyAsInt(text))));
            if (visible.length() > emitted) {
                onText.accept(visible.substring(emitted));
            }
        }
        boolean eos = reason == Generation.FinishReason.END_OF_SEQUENCE;
        int length = count + (eos ? 1 : 0);
        List<Fingerprint.Position> kept = new ArrayList<>();
        for (Fingerprint.Position p : steps.subList(0, Math.min(steps.size(), length))) {
            if (Fingerprint.sampled(p.index(), length)) {
                kept.add(p);
            }
        }
        return new Raw(text, count, reason, new Fingerprint(identity(), Arrays.copyOf(generated, count), eos, kept));
    }

    /** The {@value Fingerprint#TOP_K} likeliest tokens at a step, with their log-probabilities. */
    private static Fingerprint.Position topK(int index, float[] logits) {
        double[] logprobs = logSoftmax(logits);
        long[] ids = new long[Math.min(Fingerprint.TOP_K, logits.length)];
        float[] values = new float[ids.length];
        boolean[] taken = new boolean[logits.length];
        for (int k = 0; k < ids.length; k++) {
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (!taken[i] && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            ids[k] = best;
            values[k] = (float) logprobs[best];
        }
        return new Fingerprint.Position(index, ids, values);
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - log;
        }
        return out;
    }

    private volatile String identity;

    /**
     * The model's identity: a SHA-256 over the hashes of its weights, config, tokenizer and
     * template files, as {@code sha256:HEX}. Two folders with the same files have the same
     * identity, whatever they are called; a quantised copy has another. Computed once.
     */
    public String identity() {
        String known = identity;
        if (known == null) {
            known = ModelIdentity.of(folder.directory());
            identity = known;
        }
        return known;
    }

    long[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        return encoding.getIds();
    }

    /** The tokens' text, special tokens included (tool-call markers may be special tokens). */
    String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    /** Text without special tokens, as an answer is shown. */
    private String clean(String text) {
        for (String special : folder.specialTokenTexts()) {
            if (!special.isEmpty()) {
                text = text.replace(special, "");
            }
        }
        return text;
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
