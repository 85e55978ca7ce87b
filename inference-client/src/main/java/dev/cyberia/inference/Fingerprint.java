package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a generation looked like inside the model, compact enough to travel with the answer: the
 * model's identity (the hash of its weights, config and tokenizer), every token it chose, and at up
 * to {@value #MAX_POSITIONS} evenly spread positions the {@value #TOP_K} likeliest tokens with
 * their log-probabilities. A buyer holding the same model replays the tokens through it and finds
 * the same figures; a different model or a cheaper quantisation finds others. It travels in the
 * answer's body ({@code x_cyberia_fingerprint}), which the miner's signed {@link Receipt} covers.
 *
 * @param model the model's identity, as {@link LocalModel#identity()} gives it
 * @param tokens the answer's tokens, in order
 * @param endOfSequence whether the model ended the answer with its end-of-sequence token
 * @param positions the sampled positions, in order
 */
public record Fingerprint(String model, long[] tokens, boolean endOfSequence, List<Position> positions) {
    /** How many of the likeliest tokens a position records. */
    public static final int TOP_K = 4;
    /** At most this many positions are recorded, evenly spread over the answer. */
    public static final int MAX_POSITIONS = 32;

    /** The likeliest tokens at one position of the answer, and their log-probabilities (temperature 1). */
    public record Position(int index, long[] ids, float[] logprobs) {
        public Position {
            if (ids.length != logprobs.length) {
                throw new IllegalArgumentException("a position has as many log-probabilities as tokens");
            }
            ids = ids.clone();
            logprobs = logprobs.clone();
        }

        @Override
        public long[] ids() {
            return ids.clone();
        }

        @Override
        public float[] logprobs() {
            return logprobs.clone();
        }
    }

    public Fingerprint {
        tokens = tokens.clone();
        positions = List.copyOf(positions);
    }

    @Override
    public long[] tokens() {
        return tokens.clone();
    }

    /** The same fingerprint claiming another model's identity (what a dishonest miner would send). */
    public Fingerprint claiming(String otherModel) {
        return new Fingerprint(otherModel, tokens, endOfSequence, positions);
    }

    /**
     * Where this answer and another to the same request part, for a buyer that re-ran it at a
     * second miner instead of holding the model: both must claim the same model, record the same
     * log-probabilities, within {@code tolerance}, at the positions both recorded while their tokens
     * are the same, and, when the request was {@code deterministic} (greedy, or a seed), choose the
     * same tokens, up to a near tie, after which the two may rightly go apart. A sampled request's
     * answers go apart at their first different token without a finding. Empty when they agree.
     */
    public java.util.Optional<String> disagreement(Fingerprint other, double tolerance, boolean deterministic) {
        if (!model.equals(other.model)) {
            return java.util.Optional.of("the answers claim different models: " + model + " and " + other.model);
        }
        java.util.Map<Integer, Position> theirs = new java.util.HashMap<>();
        for (Position p : other.positions) {
            theirs.put(p.index(), p);
        }
        int common = Math.min(tokens.length, other.tokens.length);
        int compared = common;
        for (int i = 0; i < common; i++) {
            if (tokens[i] != other.tokens[i]) {
                if (!deterministic || nearTie(i, tokens[i], other.tokens[i], theirs.get(i), tolerance)) {
                    compared = i;
                    break;
                }
                return java.util.Optional.of(
                        "at token " + i + " one answer has " + tokens[i] + ", the other " + other.tokens[i]);
            }
        }
        if (deterministic && compared == common && tokens.length != other.tokens.length) {
            if (tokens.length == common ? endOfSequence : other.endOfSequence) {
                return java.util.Optional.of("one answer ends after " + common + " tokens, the other goes on");
            }
        }
        for (Position mine : positions) {
            if (mine.index() > compared) {
                break;
            }
            Position p = theirs.get(mine.index());
            if (p == null) {
                continue;
            }
            long[] ids = mine.ids();
            float[] values = mine.logprobs();
            long[] otherIds = p.ids();
            float[] otherValues = p.logprobs();
            for (int k = 0; k < ids.length; k++) {
                int j = indexOf(otherIds, ids[k]);
                if (j < 0) {
                    if (k == 0) {
                        return java.util.Optional.of("at token " + mine.index() + " the likeliest token " + ids[0]
                                + " of one answer is" + " not among the other's " + TOP_K + " likeliest");
                    }
                    continue;
                }
                double gap = Math.abs(values[k] - otherValues[j]);
                if (gap > tolerance) {
                    return java.util.Optional.of(String.format(
                            java.util.Locale.ROOT,
                            "at token %d the log-probability of token %d is %.4f in one answer and %.4f in the other",
                            mine.index(),
                            ids[k],
                            values[k],
                            otherValues[j]));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether two different tokens at {@code index} were within {@code tolerance} of each other there. */
    private boolean nearTie(int index, long mine, long theirs, Position theirPosition, double tolerance) {
        for (Position p : positions) {
            if (p.index() == index) {
                int a = indexOf(p.ids(), mine);
                int b = indexOf(p.ids(), theirs);
                if (a >= 0 && b >= 0 && Math.abs(p.logprobs()[a] - p.logprobs()[b]) <= tolerance) {
                    return true;
                }
            }
        }
        if (theirPosition != null) {
            int a = indexOf(theirPosition.ids(), mine);
            int b = indexOf(theirPosition.ids(), theirs);
            return a >= 0
                    && b >= 0
                    && Math.abs(theirPosition.logprobs()[a] - theirPosition.logprobs()[b]) <= tolerance;
        }
        return false;
    }

    private static int indexOf(long[] ids, long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Which positions of an answer of {@code length} steps are recorded (a step per token, and one for the end). */
    static boolean sampled(int index, int length) {
        int stride = Math.max(1, (length + MAX_POSITIONS - 1) / MAX_POSITIONS);
        return index % stride == 0;
    }

    /** The JSON it travels as. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("model", model);
        ArrayNode t = n.putArray("tokens");
        for (long id : tokens) {
            t.add(id);
        }
        n.put("eos", endOfSequence);
        ArrayNode ps = n.putArray("positions");
        for (Position p : positions) {
            ObjectNode o = ps.addObject();
            o.put("i", p.index());
            ArrayNode ids = o.putArray("ids");
            for (long id : p.ids) {
                ids.add(id);
            }
            ArrayNode lps = o.putArray("lp");
            for (float lp : p.logprobs) {
                lps.add(lp);
            }
        }
        return n;
    }

    /**
     * Reads a fingerprint from an answer's JSON.
     *
     * @throws InferenceException when it is not one
     */
    public static Fingerprint fromJson(JsonNode n) {
        try {
            if (!n.path("model").isTextual()
                    || !n.path("tokens").isArray()
                    || !n.path("positions").isArray()) {
                throw new IllegalArgumentException("model, tokens and positions are required");
            }
            long[] tokens = new long[n.get("tokens").size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = n.get("tokens").get(i).asLong();
            }
            List<Position> positions = new ArrayList<>();
            for (JsonNode p : n.get("positions")) {
                JsonNode ids = p.path("ids");
                JsonNode lps = p.path("lp");
                if (!ids.isArray() || !lps.isArray() || ids.size() != lps.size() || ids.size() > TOP_K) {
                    throw new IllegalArgumentException(
                            "a position needs ids and lp of the same length, at most " + TOP_K);
                }
                long[] idArray = new long[ids.size()];
                float[] lpArray = new float[lps.size()];
                for (int i = 0; i < idArray.length; i++) {
                    idArray[i] = ids.get(i).asLong();
                    lpArray[i] = (float) lps.get(i).asDouble();
                }
                positions.add(new Position(p.path("i").asInt(-1), idArray, lpArray));
            }
            if (positions.size() > MAX_POSITIONS + 1) {
                throw new IllegalArgumentException("more than " + (MAX_POSITIONS + 1) + " positions");
            }
            return new Fingerprint(
                    n.get("model").asText(), tokens, n.path("eos").asBoolean(false), positions);
        } catch (IllegalArgumentException e) {
            throw new InferenceException("the answer's fingerprint is malformed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f
                && model.equals(f.model)
                && Arrays.equals(tokens, f.tokens)
                && endOfSequence == f.endOfSequence
                && positions.size() == f.positions.size()
                && toJson().equals(f.toJson());
    }

    @Override
    public int hashCode() {
        return model.hashCode() * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Fingerprint[" + model + ", " + tokens.length + " tokens, " + positions.size() + " positions]";
    }
}
