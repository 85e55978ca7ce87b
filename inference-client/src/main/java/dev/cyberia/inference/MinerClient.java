package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.Purchase;
import dev.cyberia.treasury.PurchaseOrder;
import dev.cyberia.treasury.Purchaser;
import dev.cyberia.treasury.SellerUnreachableException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Buys chat completions from a miner (or any x402 v2 seller of an OpenAI-compatible API) through a
 * {@link Purchaser}: the treasury's one journaled purchase path. What the miner signs (a
 * {@link Receipt}) is extra evidence, checked when present: a mismatch is recorded as a dispute
 * against the miner, never a reason for the books to miss the money that left.
 */
public final class MinerClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI miner;
    private final Amount maxPrice;
    private final Purchaser purchaser;

    /**
     * What was bought: the answer, its tokens, the price paid, the settlement, and the miner's
     * proof when it gave one. {@code dispute} says what was wrong with a paid answer (it is then
     * recorded against the miner); {@code fromJournal}: the answer kept from an earlier run;
     * {@code generation}: the answer as the model made it (with its fingerprint), when one came.
     */
    public record PaidAnswer(
            String text,
            List<FunctionCall> toolCalls,
            int promptTokens,
            int completionTokens,
            Amount pricePaid,
            String transaction,
            Optional<Receipt> receipt,
            URI miner,
            Address seller,
            Optional<String> dispute,
            boolean fromJournal,
            Optional<Generation> generation,
            Optional<Amount> checkCost) {
        /** What this answer cost in all: its price, and the purchase that checked it, if one did. */
        public Amount spent() {
            return checkCost.map(pricePaid::plus).orElse(pricePaid);
        }
    }

    private final Optional<SpotCheck> spotCheck;

    public MinerClient(URI miner, Amount maxPrice, Purchaser purchaser) {
        this(miner, maxPrice, purchaser, Optional.empty());
    }

    /** With {@code spotCheck}, a share of the answers bought is replayed, and one that fails is disputed. */
    public MinerClient(URI miner, Amount maxPrice, Purchaser purchaser, Optional<SpotCheck> spotCheck) {
        this.miner = miner;
        this.maxPrice = maxPrice;
        this.purchaser = purchaser;
        this.spotCheck = spotCheck;
    }

    public URI miner() {
        return miner;
    }

    /**
     * Buys one completion under {@code idempotencyKey}: a second call with the same key returns
     * the first one's answer, or finishes it, and never pays twice.
     *
     * @throws MinerUnavailableException when the miner cannot be reached before paying (retriable: try another)
     * @throws InferenceException when nothing was paid: the miner, the cap, the gate or the policy refused
     * @throws dev.cyberia.treasury.OutcomeUnknownException when the payment was sent and its fate is not
     *     known; the journal keeps it (never try another miner then)
     */
    public PaidAnswer chat(String idempotencyKey, String model, List<Message> messages, GenerationOptions options) {
        return chat(idempotencyKey, model, messages, List.of(), options);
    }

    /** Like {@link #chat(String, String, List, GenerationOptions)}, offering the model {@code tools}. */
    public PaidAnswer chat(
            String idempotencyKey,
            String model,
            List<Message> messages,
            List<ToolDefinition> tools,
            GenerationOptions options) {
        byte[] body = requestBody(model, messages, tools, options);
        Purchase purchase;
        try {
            purchase = purchaser.buy(PurchaseOrder.of(
                    idempotencyKey, miner.resolve("/v1/chat/completions"), body, maxPrice, "expenses:inference"));
        } catch (SellerUnreachableException e) {
            throw new MinerUnavailableException("the miner at " + miner + " is not reachable", e);
        }
        return switch (purchase.outcome()) {
            case Purchase.Outcome.Free free ->
                throw new InferenceException(
                        free.answer().status() == 200
                                ? "the miner at " + miner
                                        + " answered without asking to be paid; refusing an unpriced answer"
                                : "the miner at " + miner + " answered "
                                        + free.answer().status() + ": "
                                        + free.answer().text());
            case Purchase.Outcome.NotPaid refused -> throw new InferenceException(refused.reason());
            case Purchase.Outcome.PaidNotServed lost ->
                new PaidAnswer(
                        "",
                        List.of(),
                        0,
                        0,
                        lost.price(),
                        lost.transaction(),
                        Optional.empty(),
                        miner,
                        lost.seller(),
                        Optional.of(lost.dispute()),
                        false,
                        Optional.empty(),
                        Optional.empty());
            case Purchase.Outcome.Served served ->
                answer(purchase.payment().orElseThrow(), served, body, messages, tools, options);
        };
    }

    private PaidAnswer answer(
            Payment payment,
            Purchase.Outcome.Served served,
            byte[] requestBody,
            List<Message> messages,
            List<ToolDefinition> tools,
            GenerationOptions options) {
        byte[] responseBody = served.answer().body();
        Optional<Receipt> receipt = Optional.empty();
        String problem = null;
        try {
            receipt = served.answer().header(Receipt.HEADER).map(Receipt::decode);
            if (receipt.isPresent()
                    && (!receipt.get().verifies(requestBody, responseBody)
                            || !receipt.get().miner().equals(served.seller()))) {
                problem = "the miner's receipt does not match the answer or the payee " + served.seller();
            }
        } catch (RuntimeException malformed) {
            problem = "the miner's receipt is malformed: " + malformed.getMessage();
        }
        JsonNode answer = null;
        try {
            answer = JSON.readTree(responseBody);
        } catch (IOException e) {
            problem = "the paid answer is not JSON";
        }
        if (answer == null || !answer.path("choices").isArray()) {
            problem = problem != null ? problem : "the paid answer has no 'choices'";
            answer = JSON.createObjectNode();
        }
        if (problem != null && !served.fromJournal()) {
            purchaser.dispute(payment, problem + " (" + miner + ", " + responseBody.length + " bytes)");
        }
        Generation generation = OpenAiWire.generation(answer);
        Optional<Amount> checkCost = Optional.empty();
        if (problem == null && !served.fromJournal() && spotCheck.isPresent()) {
            SpotCheck.Verdict verdict = spotCheck
                    .get()
                    .check(
                            payment.idempotencyKey() + "~check",
                            served.seller(),
                            messages,
                            tools,
                            options,
                            generation,
                            served.price());
            checkCost = verdict.spent();
            if (verdict instanceof SpotCheck.Verdict.Failed failed) {
                problem = "spot check failed: " + abbreviated(failed.finding(), 400);
                // the evidence: what the replay found, and the miner's own signed statement of what it sold
                purchaser.dispute(
                        payment,
                        problem + " (" + miner + ")" + failed.evidence()
                                + receipt.map(r -> "; receipt " + r.encode()).orElse(""));
            }
        }
        return new PaidAnswer(
                generation.text(),
                generation.toolCalls(),
                generation.promptTokens(),
                generation.completionTokens(),
                served.price(),
                served.transaction().orElse(""),
                receipt,
                miner,
                served.seller(),
                Optional.ofNullable(problem),
                served.fromJournal(),
                Optional.of(generation),
                checkCost);
    }

    private static String abbreviated(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static byte[] requestBody(
            String model, List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        try {
            return JSON.writeValueAsBytes(OpenAiWire.chatRequest(model, messages, tools, options));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
