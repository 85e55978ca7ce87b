package dev.cyberia.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.inference.Generation;
import dev.cyberia.inference.GenerationOptions;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.Message;
import dev.cyberia.inference.SpotCheck;
import dev.cyberia.inference.ToolDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * How soon a spot-checking buyer catches a miner that serves a cheaper model under the listed
 * model's name and identity, and how often it wrongly accuses an honest one. Not JMH: it counts,
 * it does not time. Run from the repository root:
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.cyberia.bench.DetectionBenchmark [HONEST_REQUESTS] [TRIALS]</pre>
 *
 * <p>The requests are the tiny model's 100 held-out tool-calling conversations and short chat,
 * greedy and with seeded sampling. An honest answer is the tiny model's, replayed through a
 * second copy of it (every answer checked). A cheat's answer comes from a stand-in
 * ({@code models/tiny-chat-int8}, {@code -int4}: the same network with its weights quantised),
 * relabelled with the tiny model's identity; each of its answers is checked with the default
 * share (0.1), and a trial ends at the first failed check.
 */
public final class DetectionBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {}

    public static void main(String[] args) throws IOException {
        int honestRequests = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path models = Path.of("models");
        List<Request> requests = requests(models.resolve("tiny-chat/held_out.jsonl"));
        try (LocalModel honest = LocalModel.open(models.resolve("tiny-chat"));
                LocalModel reference = LocalModel.open(models.resolve("tiny-chat"))) {
            SpotCheck everyOne =
                    new SpotCheck(new SpotCheck.Policy(1.0, Optional.empty(), 0.01), reference, new Random(1));
            // honest: every answer checked
            int falsePositives = 0;
            double largest = 0;
            long generating = 0;
            long checking = 0;
            for (int i = 0; i < honestRequests; i++) {
                Request r = requests.get(i % requests.size());
                long t0 = System.nanoTime();
                Generation g = honest.chat(r.messages(), r.tools(), r.options());
                long t1 = System.nanoTime();
                SpotCheck.Verdict v = everyOne.replay(r.messages(), r.tools(), r.options(), g);
                checking += System.nanoTime() - t1;
                generating += t1 - t0;
                if (v instanceof SpotCheck.Verdict.Passed p) {
                    largest = Math.max(largest, p.replay().largestDifference());
                } else {
                    falsePositives++;
                    System.out.println("false positive at " + i + ": " + v);
                }
            }
            System.out.printf(
                    "RESULT honest: %d requests checked, %d failed (false positives), largest log-probability gap %.2e;"
                            + " %.1f ms to generate, %.1f ms to check, per request%n",
                    honestRequests,
                    falsePositives,
                    largest,
                    generating / 1e6 / honestRequests,
                    checking / 1e6 / honestRequests);
            // a buyer without the model: every answer bought again from a second (honest) miner and compared
            SpotCheck secondMiner = new SpotCheck(
                    new SpotCheck.Policy(1.0, Optional.empty(), 0.01),
                    (key, notFrom, m, t, o) -> Optional.of(new SpotCheck.SecondOpinion.Answer(
                            Optional.of(reference.chat(m, t, o)),
                            Optional.empty(),
                            java.net.URI.create("http://second.miner"),
                            ZERO)),
                    new Random(1));
            int apartHonest = 0;
            for (Request r : requests) {
                Generation g = honest.chat(r.messages(), r.tools(), r.options());
                if (secondMiner.check("h", MINER, r.messages(), r.tools(), r.options(), g, ZERO)
                        instanceof SpotCheck.Verdict.Failed f) {
                    apartHonest++;
                    System.out.println("second miner, false positive: " + f.finding());
                }
            }
            System.out.printf(
                    "RESULT second miner, honest: %d requests re-run at a second miner, %d disagreed (false positives)%n",
                    requests.size(), apartHonest);
            for (String standIn : List.of("tiny-chat-int8", "tiny-chat-int4")) {
                try (LocalModel cheap = LocalModel.open(models.resolve(standIn))) {
                    int caught = 0;
                    for (Request r : requests) {
                        Generation g = relabel(cheap.chat(r.messages(), r.tools(), r.options()), honest.identity());
                        if (secondMiner.check("c", MINER, r.messages(), r.tools(), r.options(), g, ZERO)
                                instanceof SpotCheck.Verdict.Failed) {
                            caught++;
                        }
                    }
                    System.out.printf(
                            "RESULT second miner, %s: %d of %d checked answers disagree with the honest miner's (%.1f%%)%n",
                            standIn, caught, requests.size(), 100.0 * caught / requests.size());
                }
            }
            for (String standIn : List.of("tiny-chat-int8", "tiny-chat-int4")) {
                try (LocalModel cheap = LocalModel.open(models.resolve(standIn))) {
                    // how often one checked answer gives it away
                    int caught = 0;
                    List<String> findings = new ArrayList<>();
                    SpotCheck loose = // how far apart the numbers are, with no tolerance to speak of
                            new SpotCheck(new SpotCheck.Policy(1.0, Optional.empty(), 0.999), reference, new Random(1));
                    double smallestGap = Double.MAX_VALUE;
                    for (Request r : requests) {
                        Generation g = relabel(cheap.chat(r.messages(), r.tools(), r.options()), honest.identity());
                        SpotCheck.Verdict apart = loose.replay(r.messages(), r.tools(), r.options(), g);
                        if (apart instanceof SpotCheck.Verdict.Passed p) {
                            smallestGap = Math.min(smallestGap, p.replay().largestDifference());
                        }
                        if (everyOne.replay(r.messages(), r.tools(), r.options(), g)
                                instanceof SpotCheck.Verdict.Failed f) {
                            caught++;
                            if (findings.size() < 2) {
                                findings.add(f.finding());
                            }
                        }
                    }
                    System.out.printf(
                            "RESULT %s: %d of %d checked answers fail the check (%.1f%%); the closest of its answers"
                                    + " differs by %s in log-probability; e.g. %s%n",
                            standIn,
                            caught,
                            requests.size(),
                            100.0 * caught / requests.size(),
                            smallestGap == Double.MAX_VALUE
                                    ? "more than 0.999 or picks other tokens"
                                    : String.format(java.util.Locale.ROOT, "%.3f", smallestGap),
                            findings);
                    // how many purchases until it is caught at the default share
                    SpotCheck byDefault = new SpotCheck(SpotCheck.Policy.DEFAULT, reference, new Random(42));
                    Random order = new Random(7);
                    int[] until = new int[trials];
                    for (int t = 0; t < trials; t++) {
                        int n = 0;
                        while (true) {
                            n++;
                            Request r = requests.get(order.nextInt(requests.size()));
                            Generation g = relabel(cheap.chat(r.messages(), r.tools(), r.options()), honest.identity());
                            if (byDefault.check(
                                            "trial",
                                            MINER,
                                            r.messages(),
                                            r.tools(),
                                            r.options(),
                                            g,
                                            dev.cyberia.treasury.Amount.zero(CYB))
                                    instanceof SpotCheck.Verdict.Failed) {
                                break;
                            }
                            if (n >= 1000) {
                                break;
                            }
                        }
                        until[t] = n;
                    }
                    Arrays.sort(until);
                    System.out.printf(
                            "RESULT %s at share %.2f: caught after median %d, mean %.1f, p90 %d, max %d purchases (%d trials)%n",
                            standIn,
                            SpotCheck.Policy.DEFAULT.share(),
                            until[trials / 2],
                            Arrays.stream(until).average().orElse(0),
                            until[(int) (trials * 0.9)],
                            until[trials - 1],
                            trials);
                }
            }
        }
    }

    private static final dev.cyberia.keystore.Address MINER =
            dev.cyberia.keystore.Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    private static final dev.cyberia.treasury.Asset CYB = dev.cyberia.treasury.Asset.token(
            "CYB", 6, dev.cyberia.keystore.Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    private static final dev.cyberia.treasury.Amount ZERO = dev.cyberia.treasury.Amount.zero(CYB);

    /** What the cheat sends: its own generation, claiming the listed model's identity. */
    private static Generation relabel(Generation g, String identity) {
        return g.withFingerprint(g.fingerprint().orElseThrow().claiming(identity));
    }

    /** The held-out conversations, greedy and sampled with a seed, and short chat. */
    private static List<Request> requests(Path heldOut) throws IOException {
        List<Request> out = new ArrayList<>();
        long seed = 1;
        for (String line : Files.readAllLines(heldOut)) {
            JsonNode c = JSON.readTree(line);
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : c.path("messages")) {
                messages.add(Message.user(m.path("content").asText()));
            }
            List<ToolDefinition> tools = new ArrayList<>();
            for (JsonNode t : c.path("tools")) {
                tools.add(ToolDefinition.fromOpenAi(t));
            }
            out.add(new Request(messages, tools, GenerationOptions.greedy(64)));
            out.add(new Request(messages, tools, GenerationOptions.greedy(64).withSampling(0.7, 0.95, seed++)));
        }
        for (String chat : List.of("ping", "hello there", "Who are you?", "Say something short.", "Thanks!")) {
            out.add(new Request(List.of(Message.user(chat)), List.of(), GenerationOptions.greedy(32)));
        }
        return out;
    }
}
