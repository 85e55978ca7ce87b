package dev.cyberia.agents;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sentence embeddings from all-MiniLM-L6-v2, the model that ships inside LangChain4j's jar and runs
 * in-process on ONNX Runtime: nothing is downloaded. Vectors are normalised, so a dot product is the
 * cosine similarity. Embeddings of texts seen before come from a bounded cache.
 */
final class Embeddings {
    private static final int CACHE_LIMIT = 20_000;
    private static volatile EmbeddingModel model;
    private static final Map<String, float[]> CACHE = new ConcurrentHashMap<>();

    private Embeddings() {}

    private static EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (Embeddings.class) {
                if (model == null) {
                    model = new AllMiniLmL6V2EmbeddingModel();
                }
                m = model;
            }
        }
        return m;
    }

    static float[] of(String text) {
        return all(List.of(text)).get(0);
    }

    /** The vectors of {@code texts}, in order; the ones not cached are embedded in one batch. */
    static List<float[]> all(List<String> texts) {
        List<String> missing =
                texts.stream().filter(t -> !CACHE.containsKey(t)).distinct().toList();
        if (!missing.isEmpty()) {
            List<Embedding> made = model().embedAll(
                            missing.stream().map(TextSegment::from).toList())
                    .content();
            if (CACHE.size() + missing.size() > CACHE_LIMIT) {
                CACHE.clear();
            }
            for (int i = 0; i < missing.size(); i++) {
                CACHE.put(missing.get(i), normalised(made.get(i).vector()));
            }
        }
        return texts.stream()
                .map(t -> CACHE.computeIfAbsent(
                        t, k -> normalised(model().embed(k).content().vector())))
                .toList();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    /** The normalised mean of {@code vectors}: the centroid a text's sentences point to. */
    static float[] centroid(List<float[]> vectors) {
        float[] sum = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        return normalised(sum);
    }

    private static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (v[i] / norm);
        }
        return out;
    }
}
