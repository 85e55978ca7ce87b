package dev.cyberia.inference;

import java.util.List;
import java.util.OptionalLong;

/**
 * How to generate: greedy when {@code temperature} is 0, else temperature and nucleus (top-p)
 * sampling, reproducible with a {@code seed}. Generation stops at an end-of-sequence token, a stop
 * string (not included in the text), or {@code maxNewTokens}.
 */
public record GenerationOptions(
        int maxNewTokens, double temperature, double topP, OptionalLong seed, List<String> stopStrings) {

    public GenerationOptions {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1");
        }
        if (temperature < 0 || topP <= 0 || topP > 1) {
            throw new IllegalArgumentException("temperature must be >= 0 and topP in (0, 1]");
        }
        stopStrings = List.copyOf(stopStrings);
    }

    public static GenerationOptions greedy(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, 0, 1, OptionalLong.empty(), List.of());
    }

    public GenerationOptions withSampling(double newTemperature, double newTopP, long newSeed) {
        return new GenerationOptions(maxNewTokens, newTemperature, newTopP, OptionalLong.of(newSeed), stopStrings);
    }

    public GenerationOptions withStopStrings(List<String> newStopStrings) {
        return new GenerationOptions(maxNewTokens, temperature, topP, seed, newStopStrings);
    }
}
