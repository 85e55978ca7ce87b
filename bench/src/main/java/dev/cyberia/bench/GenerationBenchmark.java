package dev.cyberia.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cyberia.inference.Generation;
import dev.cyberia.inference.GenerationOptions;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.Message;
import dev.cyberia.inference.ToolDefinition;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Generated tokens per second on the tiny model: our whole loop (chat template, tokenizer, DJL,
 * key/value cache, sampling, decoding) against bare ONNX Runtime forward passes over the same
 * tokens with the same cache. The difference is what the loop costs on top of the model.
 * Run from the repository root (it reads models/tiny-chat).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(GenerationBenchmark.TOKENS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class GenerationBenchmark {
    /** The tool-call answer: its tokens (the call markers are one token each), then end of sequence. */
    static final String ANSWER = "<tool_call>{\"name\": \"weather\", \"arguments\": {\"city\": \"Rome\"}}</tool_call>";

    static final int TOKENS = 52;
    static final ToolDefinition WEATHER = new ToolDefinition(
            "weather",
            "Get the weather for a city.",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    private LocalModel model;
    private List<Message> messages;
    private long[] promptIds;
    private long[] answerIds;
    private int layers;
    private OrtEnvironment env;
    private OrtSession session;

    @Setup
    public void setUp() throws OrtException, java.io.IOException {
        Path dir =
                Path.of(System.getProperty("cyberia.model", "models/tiny-chat")).toAbsolutePath();
        model = LocalModel.open(dir);
        messages = List.of(Message.user("Weather in Rome?"));
        Generation g = model.chat(messages, List.of(WEATHER), GenerationOptions.greedy(TOKENS + 1));
        answerIds = bytesAndSpecials(ANSWER);
        if (g.completionTokens() != TOKENS
                || answerIds.length != TOKENS
                || g.toolCalls().size() != 1) {
            throw new IllegalStateException("expected the " + TOKENS + "-token call " + ANSWER + ", got "
                    + g.completionTokens() + " tokens: " + g.toolCalls() + " " + g.text());
        }
        promptIds = bytesAndSpecials(model.renderPrompt(messages, List.of(WEATHER)));
        layers = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("config.json").toFile())
                .get("num_hidden_layers")
                .asInt();
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(dir.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
    }

    /** The tiny model's tokenizer is byte-level with five added tokens: encode without DJL for the bare baseline. */
    private static long[] bytesAndSpecials(String text) {
        String rest = text;
        java.util.List<Long> ids = new java.util.ArrayList<>();
        List<String> added = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>");
        while (!rest.isEmpty()) {
            String token = null;
            for (String a : added) {
                if (rest.startsWith(a)) {
                    token = a;
                }
            }
            if (token != null) {
                ids.add(256L + added.indexOf(token));
                rest = rest.substring(token.length());
            } else {
                int cp = rest.codePointAt(0);
                String ch = new String(Character.toChars(cp));
                for (byte b : ch.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    ids.add((long) (b & 0xff));
                }
                rest = rest.substring(ch.length());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    @TearDown
    public void tearDown() throws OrtException {
        session.close();
        model.close();
    }

    @Benchmark
    public Generation ourGenerationLoop() {
        return model.chat(messages, List.of(WEATHER), GenerationOptions.greedy(TOKENS + 1));
    }

    @Benchmark
    public int bareOnnxRuntimeForwardPasses() throws OrtException {
        Map<String, OnnxTensor> past = new HashMap<>();
        for (int layer = 0; layer < layers; layer++) {
            for (String kind : List.of("key", "value")) {
                past.put(
                        "past_key_values." + layer + "." + kind,
                        OnnxTensor.createTensor(env, java.nio.FloatBuffer.allocate(0), new long[] {1, 4, 0, 32}));
            }
        }
        int length = 0;
        int steps = 0;
        long[] input = promptIds;
        for (int step = 0; step <= answerIds.length; step++) {
            Map<String, OnnxTensor> inputs = new HashMap<>(past);
            long[] mask = new long[length + input.length];
            java.util.Arrays.fill(mask, 1);
            long[] positions = new long[input.length];
            for (int i = 0; i < input.length; i++) {
                positions[i] = length + i;
            }
            OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(input), new long[] {1, input.length});
            OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, mask.length});
            OnnxTensor pos = OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, input.length});
            inputs.put("input_ids", ids);
            inputs.put("attention_mask", maskTensor);
            inputs.put("position_ids", pos);
            OrtSession.Result result = session.run(inputs);
            ids.close();
            maskTensor.close();
            pos.close();
            past.values().forEach(OnnxTensor::close);
            past.clear();
            for (int layer = 0; layer < layers; layer++) {
                for (String kind : List.of("key", "value")) {
                    OnnxTensor present = (OnnxTensor)
                            result.get("present." + layer + "." + kind).orElseThrow();
                    past.put("past_key_values." + layer + "." + kind, present);
                }
            }
            OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
            logits.getFloatBuffer(); // read the logits, as a loop must
            logits.close();
            length += input.length;
            if (step < answerIds.length) {
                input = new long[] {answerIds[step]};
            }
            steps++;
        }
        past.values().forEach(OnnxTensor::close);
        return steps;
    }
}
