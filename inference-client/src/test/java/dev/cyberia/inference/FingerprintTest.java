package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Comparing two miners' fingerprints of the same request ({@link Fingerprint#disagreement}). */
class FingerprintTest {
    static final String MODEL = "sha256:aa";

    static Fingerprint of(String model, long[] tokens, float first, long secondChoice) {
        return new Fingerprint(
                model,
                tokens,
                true,
                List.of(
                        new Fingerprint.Position(0, new long[] {tokens[0], secondChoice}, new float[] {first, -3f}),
                        new Fingerprint.Position(1, new long[] {tokens[1], 9}, new float[] {-0.2f, -4f})));
    }

    @Test
    void theSameAnswer_agrees() {
        Fingerprint a = of(MODEL, new long[] {5, 6}, -0.1f, 7);
        assertThat(a.disagreement(of(MODEL, new long[] {5, 6}, -0.1f, 7), 0.01, true))
                .isEmpty();
        assertThat(a.disagreement(of(MODEL, new long[] {5, 6}, -0.105f, 7), 0.01, true))
                .as("within the tolerance")
                .isEmpty();
    }

    @Test
    void anotherModel_otherTokens_otherFigures_orAnEarlyEnd_disagree() {
        Fingerprint a = of(MODEL, new long[] {5, 6}, -0.1f, 7);
        assertThat(a.disagreement(of("sha256:bb", new long[] {5, 6}, -0.1f, 7), 0.01, true))
                .hasValueSatisfying(f -> assertThat(f).contains("different models"));
        assertThat(a.disagreement(of(MODEL, new long[] {5, 8}, -0.1f, 7), 0.01, true))
                .hasValueSatisfying(f -> assertThat(f).contains("at token 1"));
        assertThat(a.disagreement(of(MODEL, new long[] {5, 6}, -0.3f, 7), 0.01, true))
                .hasValueSatisfying(f -> assertThat(f).contains("log-probability of token 5"));
        Fingerprint longer = new Fingerprint(MODEL, new long[] {5, 6, 1}, false, a.positions());
        assertThat(a.disagreement(longer, 0.01, true))
                .hasValueSatisfying(f -> assertThat(f).contains("ends after 2 tokens"));
    }

    @Test
    void aSampledRequest_mayGoApart_butNotBeforeItsFirstDifferentToken() {
        Fingerprint a = of(MODEL, new long[] {5, 6}, -0.1f, 7);
        // the same figures where both stood at the same place, then another token drawn, and others after it
        Fingerprint drewOther = new Fingerprint(
                MODEL,
                new long[] {7, 2},
                true,
                List.of(
                        new Fingerprint.Position(0, new long[] {5, 7}, new float[] {-0.1f, -3f}),
                        new Fingerprint.Position(1, new long[] {2, 9}, new float[] {-1.5f, -2f})));
        assertThat(a.disagreement(drewOther, 0.01, false))
                .as("sampling chose another first token: nothing to compare after it")
                .isEmpty();
        assertThat(a.disagreement(drewOther, 0.01, true))
                .as("greedy must choose the same")
                .isPresent();
        assertThat(a.disagreement(of(MODEL, new long[] {5, 6}, -0.5f, 7), 0.01, false))
                .as("the first position's figures depend on the prompt alone")
                .isPresent();
    }

    @Test
    void aNearTie_letsGreedyAnswersGoApart() {
        Fingerprint a = new Fingerprint(
                MODEL, new long[] {5, 6}, true, List.of(new Fingerprint.Position(0, new long[] {5, 7}, new float[] {
                    -0.693f, -0.695f
                })));
        Fingerprint b = new Fingerprint(
                MODEL, new long[] {7, 2}, true, List.of(new Fingerprint.Position(0, new long[] {7, 5}, new float[] {
                    -0.694f, -0.694f
                })));
        assertThat(a.disagreement(b, 0.01, true)).isEmpty();
    }
}
