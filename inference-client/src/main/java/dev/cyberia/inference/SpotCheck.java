package dev.cyberia.inference;

import dev.cyberia.treasury.Amount;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A buyer's check of what it bought: a share of its paid answers (and every one above a price) is
 * replayed through the buyer's own copy of the model ({@link LocalModel#replay}); an answer whose
 * tokens or log-probabilities this model would not have produced, that claims another model, or
 * that comes without a fingerprint when it was checked, fails. A failed check becomes a dispute
 * against the miner, with the miner's signed receipt as evidence.
 */
public final class SpotCheck {
    /**
     * When and how strictly to check.
     *
     * @param share the share of purchases checked, from 0 to 1
     * @param everyAbove every purchase above this price is checked, whatever the share
     * @param tolerance the largest gap in log-probability taken as the same figure (see {@link LocalModel#replay})
     */
    public record Policy(double share, Optional<Amount> everyAbove, double tolerance) {
        /** One purchase in ten, a gap of 0.01. */
        public static final Policy DEFAULT = new Policy(0.1, Optional.empty(), 0.01);

        public Policy {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("verify.share is a share from 0 to 1, not " + share);
            }
            if (!(tolerance > 0 && tolerance < 1)) {
                throw new IllegalArgumentException(
                        "verify.tolerance is a gap in log-probability above 0 and below 1, not " + tolerance);
            }
        }
    }

    /** What a check found. */
    public sealed interface Verdict {
        /** Not drawn for a check this time. */
        record Skipped() implements Verdict {}

        /** Replayed, and it is what the model would have answered. */
        record Passed(LocalModel.Replay replay) implements Verdict {}

        /** It is not what the model would have answered, or it cannot be checked. */
        record Failed(String finding) implements Verdict {}
    }

    private final Policy policy;
    private final LocalModel reference;
    private final RandomGenerator random;

    /**
     * @param reference the buyer's own copy of the model the miner lists
     * @param random draws which purchases are checked (a miner cannot tell which)
     */
    public SpotCheck(Policy policy, LocalModel reference, RandomGenerator random) {
        this.policy = policy;
        this.reference = reference;
        this.random = random;
    }

    public Policy policy() {
        return policy;
    }

    /** The same check, also checking every purchase above {@code price}. */
    public SpotCheck withEveryAbove(Amount price) {
        return new SpotCheck(new Policy(policy.share(), Optional.of(price), policy.tolerance()), reference, random);
    }

    /** Whether this purchase is checked: every one above the price, else drawn at the share. */
    boolean drawn(Amount price) {
        if (policy.everyAbove().isPresent()
                && price.compareTo(policy.everyAbove().get()) > 0) {
            return true;
        }
        return random.nextDouble() < policy.share();
    }

    /** Checks one paid answer, if drawn. */
    public Verdict check(
            List<Message> messages,
            List<ToolDefinition> tools,
            GenerationOptions options,
            Generation served,
            Amount price) {
        if (!drawn(price)) {
            return new Verdict.Skipped();
        }
        return replay(messages, tools, options, served);
    }

    /** Checks one answer now, drawn or not. */
    public Verdict replay(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Generation served) {
        if (served.fingerprint().isEmpty()) {
            return new Verdict.Failed("the answer came without a fingerprint, so it cannot be checked");
        }
        LocalModel.Replay replay;
        try {
            replay = reference.replay(
                    messages, tools, options, served, served.fingerprint().get(), policy.tolerance());
        } catch (ContextLengthExceededException e) {
            return new Verdict.Failed("the answer's prompt does not fit the model it claims: " + e.getMessage());
        }
        return replay.matches() ? new Verdict.Passed(replay) : new Verdict.Failed(replay.finding());
    }
}
