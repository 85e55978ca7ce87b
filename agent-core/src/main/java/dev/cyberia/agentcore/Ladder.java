package dev.cyberia.agentcore;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The autonomy ladder as a policy file: each tier's spend limits and rights, and the rules that
 * move an agent up (age, net income over a window, paid jobs, no violations, runway) or down
 * (violations, runway). Deterministic: the same figures always give the same verdict.
 */
public record Ladder(Duration evaluateEvery, Map<Tier, Rights> tiers, Map<Tier, Promotion> promote, Demotion demote) {

    public Ladder {
        evaluateEvery = evaluateEvery == null ? Duration.ofMinutes(10) : evaluateEvery;
        for (Tier t : Tier.values()) {
            if (tiers == null || !tiers.containsKey(t)) {
                throw new IllegalArgumentException("'tiers' needs an entry for " + t);
            }
        }
        tiers = Map.copyOf(tiers);
        promote = promote == null ? Map.of() : Map.copyOf(promote);
        if (promote.containsKey(Tier.AUTOMATON)) {
            throw new IllegalArgumentException("'promote' names the tier promoted to: AGENT or OWNER");
        }
        demote = demote == null ? new Demotion(null, null, null) : demote;
    }

    /**
     * @param listedPayeesOnly whether payments must go to the definition's payee allowlist (an
     *     empty list then allows none)
     */
    public record Rights(BigDecimal maxPerTick, BigDecimal maxPerDay, Boolean listedPayeesOnly) {
        public Rights {
            if (maxPerTick == null || maxPerDay == null || maxPerTick.signum() < 0 || maxPerDay.signum() < 0) {
                throw new IllegalArgumentException("a tier needs maxPerTick and maxPerDay, 0 or more");
            }
            listedPayeesOnly = listedPayeesOnly != null && listedPayeesOnly;
        }
    }

    /** What it takes to be promoted to a tier, over the last {@code window}. */
    public record Promotion(
            Duration minAge,
            Duration window,
            BigDecimal minNetIncome,
            Integer minPaidJobs,
            Integer maxViolations,
            BigDecimal minRunwayDays) {
        public Promotion {
            minAge = minAge == null ? Duration.ZERO : minAge;
            window = window == null ? Duration.ofDays(1) : window;
            minNetIncome = minNetIncome == null ? BigDecimal.ZERO : minNetIncome;
            minPaidJobs = minPaidJobs == null ? 0 : minPaidJobs;
            maxViolations = maxViolations == null ? 0 : maxViolations;
            minRunwayDays = minRunwayDays == null ? BigDecimal.ZERO : minRunwayDays;
        }
    }

    /** When an agent goes down one tier, over the last {@code window}. */
    public record Demotion(Duration window, Integer maxViolations, BigDecimal minRunwayDays) {
        public Demotion {
            window = window == null ? Duration.ofDays(1) : window;
            maxViolations = maxViolations == null ? Integer.MAX_VALUE : maxViolations;
            minRunwayDays = minRunwayDays == null ? BigDecimal.ZERO : minRunwayDays;
        }
    }

    /**
     * An agent's record over a window.
     *
     * @param runwayDays empty when it spent nothing (an unlimited runway)
     */
    public record Figures(
            Duration age, BigDecimal netIncome, int paidJobs, int violations, Optional<BigDecimal> runwayDays) {}

    /** A move on the ladder, with the rule and the figures that decided it. */
    public record Move(Tier from, Tier to, String rule, String figures) {}

    /** Each condition toward the next tier: what it needs, what the agent has, and whether it holds. */
    public record Progress(Tier toward, List<String> conditions, boolean ready) {}

    public Rights rights(Tier tier) {
        return tiers.get(tier);
    }

    /** The window over which promotion to the tier above {@code tier} is judged (or demotion's). */
    public Duration windowAbove(Tier tier) {
        return next(tier)
                .map(t -> promote.containsKey(t) ? promote.get(t).window() : demote.window())
                .orElse(demote.window());
    }

    /** Decides a move for an agent at {@code tier} with {@code figures} (one for each window). */
    public Optional<Move> evaluate(Tier tier, Figures promotionFigures, Figures demotionFigures) {
        if (tier != Tier.AUTOMATON) {
            Tier below = Tier.values()[tier.ordinal() - 1];
            if (demotionFigures.violations() > demote.maxViolations()) {
                return Optional.of(new Move(
                        tier,
                        below,
                        "demote: more than " + demote.maxViolations() + " policy violations in "
                                + human(demote.window()),
                        describe(demotionFigures)));
            }
            if (demotionFigures.runwayDays().isPresent()
                    && demotionFigures.runwayDays().get().compareTo(demote.minRunwayDays()) < 0) {
                return Optional.of(new Move(
                        tier,
                        below,
                        "demote: runway below " + demote.minRunwayDays().toPlainString() + " days",
                        describe(demotionFigures)));
            }
        }
        Progress progress = progress(tier, promotionFigures);
        if (progress.ready()) {
            return Optional.of(new Move(
                    tier,
                    progress.toward(),
                    "promote to " + progress.toward() + ": " + String.join(", ", progress.conditions()),
                    describe(promotionFigures)));
        }
        return Optional.empty();
    }

    /** How far an agent at {@code tier} is from the next one; empty at the top or with no rule. */
    public Optional<Progress> progressFrom(Tier tier, Figures figures) {
        Progress p = progress(tier, figures);
        return p.toward() == tier ? Optional.empty() : Optional.of(p);
    }

    private Progress progress(Tier tier, Figures f) {
        Optional<Tier> next = next(tier);
        if (next.isEmpty() || !promote.containsKey(next.get())) {
            return new Progress(tier, List.of(), false);
        }
        Promotion rule = promote.get(next.get());
        List<String> conditions = new ArrayList<>();
        boolean ready = true;
        ready &= check(
                conditions,
                "age " + human(f.age()) + " ≥ " + human(rule.minAge()),
                f.age().compareTo(rule.minAge()) >= 0);
        ready &= check(
                conditions,
                "net income " + f.netIncome().toPlainString() + " ≥ "
                        + rule.minNetIncome().toPlainString(),
                f.netIncome().compareTo(rule.minNetIncome()) >= 0);
        ready &= check(
                conditions,
                "paid jobs " + f.paidJobs() + " ≥ " + rule.minPaidJobs(),
                f.paidJobs() >= rule.minPaidJobs());
        ready &= check(
                conditions,
                "violations " + f.violations() + " ≤ " + rule.maxViolations(),
                f.violations() <= rule.maxViolations());
        ready &= check(
                conditions,
                "runway " + f.runwayDays().map(BigDecimal::toPlainString).orElse("unlimited") + " ≥ "
                        + rule.minRunwayDays().toPlainString() + " days",
                f.runwayDays().map(d -> d.compareTo(rule.minRunwayDays()) >= 0).orElse(true));
        return new Progress(next.get(), conditions, ready);
    }

    /** "3d 4h", "41m 23s", "0s". */
    static String human(Duration d) {
        long s = d.getSeconds();
        long days = s / 86_400;
        long hours = s % 86_400 / 3_600;
        long minutes = s % 3_600 / 60;
        long seconds = s % 60;
        StringBuilder out = new StringBuilder();
        if (days > 0) {
            out.append(days).append("d ");
        }
        if (hours > 0) {
            out.append(hours).append("h ");
        }
        if (minutes > 0 && days == 0) {
            out.append(minutes).append("m ");
        }
        if (seconds > 0 && days == 0 && hours == 0) {
            out.append(seconds).append("s ");
        }
        return out.isEmpty() ? "0s" : out.toString().trim();
    }

    private static boolean check(List<String> conditions, String text, boolean holds) {
        conditions.add((holds ? "✓ " : "✗ ") + text);
        return holds;
    }

    private static Optional<Tier> next(Tier tier) {
        return tier == Tier.OWNER ? Optional.empty() : Optional.of(Tier.values()[tier.ordinal() + 1]);
    }

    private static String describe(Figures f) {
        return "age " + human(f.age()) + ", net income " + f.netIncome().toPlainString() + ", paid jobs " + f.paidJobs()
                + ", violations " + f.violations() + ", runway "
                + f.runwayDays().map(d -> d.toPlainString() + " days").orElse("unlimited");
    }

    // --- reading the policy file ---

    /** The built-in ladder: "standard" (windows of days) or "demo" (windows of minutes). */
    public static Ladder builtIn(String name) {
        try (InputStream in = Ladder.class.getResourceAsStream("ladder/" + name + ".yaml")) {
            if (in == null) {
                throw new InvalidAgentInputException("no built-in ladder '" + name + "'; use standard or demo");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "ladder " + name);
        } catch (IOException e) {
            throw new AgentException("cannot read the built-in ladder " + name, e);
        }
    }

    /** Reads a ladder policy file; errors name the line and column. */
    public static Ladder read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new InvalidAgentInputException("cannot read the ladder policy " + file + ": " + e.getMessage());
        }
    }

    public static Ladder parse(String yaml, String source) {
        return AgentDefinitions.readYaml(yaml, source, Ladder.class);
    }
}
