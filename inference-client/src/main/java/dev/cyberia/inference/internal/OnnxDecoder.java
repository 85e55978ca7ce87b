package dev.cyberia.inference.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.cyberia.inference.InferenceException;
import dev.cyberia.inference.InvalidModelException;
import java.io.IOException;
import java.util.List;

/**
 * Forward passes of a decoder ONNX graph through DJL's ONNX Runtime engine, with the key/value
 * cache carried between steps in Hugging Face naming ({@code past_key_values.N.key} in,
 * {@code present.N.key} out).
 */
public final class OnnxDecoder implements AutoCloseable {
    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // never download anything at run time
        }
    }

    private final ModelFolder folder;
    private final ZooModel<NDList, NDList> model;
    /** The graph, run directly: a predictor's translator plumbing costs more than this loop needs. */
    private final ai.djl.nn.Block block;

    private final ai.djl.training.ParameterStore parameters;
    /** {@code present.N.key}, {@code present.N.value}, ... and the cache input each one becomes. */
    private final String[] presentNames;

    private final String[] pastNames;

    public OnnxDecoder(ModelFolder folder) {
        this.folder = folder;
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(folder.directory())
                .optModelName(folder.onnxModelName())
                .optEngine("OnnxRuntime")
                .build();
        try {
            this.model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new InvalidModelException(
                    "cannot load " + folder.directory().resolve(folder.onnxModelName() + ".onnx") + ": "
                            + e.getMessage(),
                    e);
        }
        this.block = model.getBlock();
        this.parameters = new ai.djl.training.ParameterStore(model.getNDManager(), false);
        this.presentNames = new String[2 * folder.layers()];
        this.pastNames = new String[2 * folder.layers()];
        for (int i = 0; i < folder.layers(); i++) {
            presentNames[2 * i] = "present." + i + ".key";
            presentNames[2 * i + 1] = "present." + i + ".value";
            pastNames[2 * i] = "past_key_values." + i + ".key";
            pastNames[2 * i + 1] = "past_key_values." + i + ".value";
        }
    }

    /** The cache of one sequence: the present tensors of the last step, owned by {@link #manager}. */
    public static final class Cache implements AutoCloseable {
        final NDManager manager;
        NDList past;
        int length;

        Cache(NDManager manager) {
            this.manager = manager;
        }

        public int length() {
            return length;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    public Cache newCache() {
        NDManager manager = model.getNDManager().newSubManager();
        Cache cache = new Cache(manager);
        NDList empty = new NDList();
        List<String> names = folder.pastInputNames();
        for (String name : names) {
            NDArray zero =
                    manager.create(new float[0], new Shape(1, folder.keyValueHeads(), 0, folder.headDimension()));
            zero.setName(name);
            empty.add(zero);
        }
        cache.past = empty;
        return cache;
    }

    /** Runs the new tokens through the model, extends the cache, and returns the logits of the last position. */
    public float[] forward(long[] tokens, Cache cache) {
        int past = cache.length;
        int total = past + tokens.length;
        if (total > folder.maxPositions()) {
            throw new InferenceException(
                    "the context of " + total + " tokens exceeds the model's " + folder.maxPositions());
        }
        try (NDManager step = cache.manager.newSubManager()) {
            NDArray ids = step.create(tokens, new Shape(1, tokens.length));
            ids.setName("input_ids");
            long[] ones = new long[total];
            java.util.Arrays.fill(ones, 1L);
            NDArray mask = step.create(ones, new Shape(1, total));
            mask.setName("attention_mask");
            long[] positionIds = new long[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                positionIds[i] = past + i;
            }
            NDArray positions = step.create(positionIds, new Shape(1, tokens.length));
            positions.setName("position_ids");
            NDList inputs = new NDList(ids, mask, positions);
            inputs.addAll(cache.past);
            NDList outputs = block.forward(parameters, inputs, false);
            NDArray logits = outputs.get("logits");
            if (logits == null) {
                logits = outputs.get(0);
            }
            int vocab = (int) logits.getShape().get(2); // [batch, sequence, vocab]: keep the last position
            float[] all = logits.toFloatArray();
            if (all.length != tokens.length * vocab) {
                throw new InferenceException("unexpected logits shape " + logits.getShape());
            }
            float[] last = java.util.Arrays.copyOfRange(all, (tokens.length - 1) * vocab, tokens.length * vocab);
            NDList next = new NDList(presentNames.length);
            for (int i = 0; i < presentNames.length; i++) {
                NDArray present = outputs.get(presentNames[i]);
                if (present == null) {
                    throw new InvalidModelException("the ONNX model has no output " + presentNames[i]
                            + "; export it with past key/values (use_cache)");
                }
                present.setName(pastNames[i]);
                present.attach(cache.manager);
                next.add(present);
            }
            cache.past.forEach(NDArray::close);
            cache.past = next;
            cache.length = total;
            return last;
        } catch (ai.djl.engine.EngineException e) {
            throw new InferenceException("forward pass failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
