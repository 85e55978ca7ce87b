package dev.cyberia.inference;

import dev.cyberia.treasury.Amount;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A buyer's check of what it bought: a share of its paid answers (and every one above a price) is
 * replayed through the buyer's own copy of the model ({@link LocalModel#replay}), or, for a buyer
 * without one, bought again from a second, independent miner of the same model and the two
 * fingerprints compared ({@link Fingerprint#disagreement}); an answer whose tokens or
 * log-probabilities the model would not have produced, that claims another model, or that comes
 * without a fingerprint when it was checked, fails. A failed check becomes a dispute against the
 * miner, with the miner's signed receipt (and the second miner's) as evidence.
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

    /**
     * What a check found, and what it cost when the check was a purchase of its own (a re-run at a
     * second miner): the buyer books and budgets that too.
     */
    public sealed interface Verdict {
        /** What the check itself paid, if it bought anything. */
        Optional<Amount> spent();

        /** Not drawn for a check this time, or nothing to compare with. */
        record Skipped(Optional<Amount> spent) implements Verdict {
            public Skipped() {
                this(Optional.empty());
            }
        }

        /** Replayed, and it is what the model would have answered. */
        record Passed(LocalModel.Replay replay, Optional<Amount> spent) implements Verdict {
            public Passed(LocalModel.Replay replay) {
                this(replay, Optional.empty());
            }
        }

        /**
         * It is not what the model would have answered, or it cannot be checked. {@code evidence}:
         * what else a dispute should carry (the second miner's signed receipt), or "".
         */
        record Failed(String finding, String evidence, Optional<Amount> spent) implements Verdict {
            public Failed(String finding) {
                this(finding, "", Optional.empty());
            }
        }
    }

    /**
     * A second miner of the same model, for a buyer without its own copy: the same request bought
     * from someone other than the first seller.
     */
    @FunctionalInterface
    public interface SecondOpinion {
        /**
         * The same request, under its own purchase key {@code key}, bought from a miner whose wallet
         * is not {@code notFrom}; empty when no such miner offers the model within the buyer's cap.
         */
        Optional<Answer> ask(
                String key,
                dev.cyberia.keystore.Address notFrom,
                List<Message> messages,
                List<ToolDefinition> tools,
                GenerationOptions options);

        /**
         * The second miner's answer (empty when it was paid and gave none usable), its signed receipt
         * when it gave one, and what it cost.
         */
        record Answer(Optional<Generation> generation, Optional<Receipt> receipt, java.net.URI miner, Amount price) {}
    }

    private final Policy policy;
    private final Optional<LocalModel> reference;
    private final Optional<SecondOpinion> secondOpinion;
    private final RandomGenerator random;

    /**
     * @param reference the buyer's own copy of the model the miner lists
     * @param random draws which purchases are checked (a miner cannot tell which)
     */
    public SpotCheck(Policy policy, LocalModel reference, RandomGenerator random) {
        this(policy, Optional.of(reference), Optional.empty(), random);
    }

    /** A check that re-runs the drawn purchases at {@code secondOpinion}: for a buyer without the model. */
    public SpotCheck(Policy policy, SecondOpinion secondOpinion, RandomGenerator random) {
        this(policy, Optional.empty(), Optional.of(secondOpinion), random);
    }

    private SpotCheck(
            Policy policy,
            Optional<LocalModel> reference,
            Optional<SecondOpinion> secondOpinion,
            RandomGenerator random) {
        this.policy = policy;
        this.reference = reference;
        this.secondOpinion = secondOpinion;
        this.random = random;
    }

    public Policy policy() {
        return policy;
    }

    /** The same check, also checking every purchase above {@code price}. */
    public SpotCheck withEveryAbove(Amount price) {
        return new SpotCheck(
                new Policy(policy.share(), Optional.of(price), policy.tolerance()), reference, secondOpinion, random);
    }

    /** Whether this purchase is checked: every one above the price, else drawn at the share. */
    boolean drawn(Amount price) {
        if (policy.everyAbove().isPresent()
                && price.compareTo(policy.everyAbove().get()) > 0) {
            return true;
        }
        return random.nextDouble() < policy.share();
    }

    /**
     * Checks one paid answer, if drawn: replayed through the buyer's model, or re-run at a second
     * miner (paid under {@code key}, never from {@code seller}).
     */
    public Verdict check(
            String key,
            dev.cyberia.keystore.Address seller,
            List<Message> messages,
            List<ToolDefinition> tools,
            GenerationOptions options,
            Generation served,
            Amount price) {
        if (!drawn(price)) {
            return new Verdict.Skipped();
        }
        if (reference.isPresent()) {
            return replay(messages, tools, options, served);
        }
        if (served.fingerprint().isEmpty()) {
            return new Verdict.Failed("the answer came without a fingerprint, so it cannot be checked");
        }
        Optional<SecondOpinion.Answer> second = secondOpinion.orElseThrow().ask(key, seller, messages, tools, options);
        if (second.isEmpty()) {
            return new Verdict.Skipped(); // no other miner of the model within the cap: nothing to compare with
        }
        Optional<Amount> spent = Optional.of(second.get().price());
        Optional<Fingerprint> theirs = second.get().generation().flatMap(Generation::fingerprint);
        if (theirs.isEmpty()) {
            return new Verdict.Skipped(spent); // the second answer cannot be compared: no finding against the first
        }
        Optional<String> apart = served.fingerprint()
                .get()
                .disagreement(
                        theirs.get(),
                        policy.tolerance(),
                        options.temperature() == 0 || options.seed().isPresent());
        String evidence = "; re-run at " + second.get().miner()
                + second.get().receipt().map(r -> ", its receipt " + r.encode()).orElse("");
        if (apart.isPresent()) {
            return new Verdict.Failed(apart.get(), evidence, spent);
        }
        return new Verdict.Passed(
                new LocalModel.Replay(
                        true,
                        "the same as the answer " + second.get().miner() + " gave",
                        served.fingerprint().get().tokens().length,
                        0),
                spent);
    }

    /** Checks one answer now against the buyer's own model, drawn or not. */
    public Verdict replay(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Generation served) {
        if (served.fingerprint().isEmpty()) {
            return new Verdict.Failed("the answer came without a fingerprint, so it cannot be checked");
        }
        if (reference.isEmpty()) {
            throw new IllegalStateException(
                    "this spot check re-runs at a second miner; it holds no model to replay in");
        }
        LocalModel.Replay replay;
        try {
            replay = reference
                    .get()
                    .replay(
                            messages,
                            tools,
                            options,
                            served,
                            served.fingerprint().get(),
                            policy.tolerance());
        } catch (ContextLengthExceededException e) {
            return new Verdict.Failed("the answer's prompt does not fit the model it claims: " + e.getMessage());
        }
        return replay.matches() ? new Verdict.Passed(replay) : new Verdict.Failed(replay.finding());
    }
}
