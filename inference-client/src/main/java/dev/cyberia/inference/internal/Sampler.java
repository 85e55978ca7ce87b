package dev.cyberia.inference.internal;

import java.util.Arrays;
import java.util.Random;

/** Picks the next token from logits: greedy (temperature 0), or temperature + nucleus sampling with a seeded Random. */
public final class Sampler {
    private final double temperature;
    private final double topP;
    private final Random random;

    public Sampler(double temperature, double topP, Random random) {
        this.temperature = temperature;
        this.topP = topP;
        this.random = random;
    }

    public int next(float[] logits) {
        if (temperature == 0) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] probs = p;
        double total = sum;
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        double cumulative = 0;
        int keep = 0;
        while (keep < order.length && cumulative < topP * total) {
            cumulative += probs[order[keep++]];
        }
        double r = random.nextDouble() * cumulative;
        for (int i = 0; i < keep; i++) {
            r -= probs[order[i]];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}
