package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryException;
import dev.cyberia.treasury.TrustRegistries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A miner's answer to disputes: it reads the negative ratings its ERC-8004 identity receives, finds
 * in each one's file the receipt of the answer disputed (a Cyberia buyer's dispute carries it), and,
 * when the answer is one it sold ({@link MinerServer#validationRequestFor}), asks a re-executing
 * validator to replay that very answer ({@link ReplayValidator}): the validator's 100 or 0 is then
 * on chain beside the dispute, for every buyer to read. Each answer is appealed once.
 */
public final class MinerAppeals {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RECEIPT = Pattern.compile("receipt ([A-Za-z0-9_=+/-]{40,})");
    private static final String DATA_JSON = "data:application/json;base64,";

    private final TrustRegistries trust;
    private final long agentId;
    private final Address validator;
    private final MinerServer miner;
    private final Treasury wallet;
    private final Signer key;
    private long nextBlock;

    /** One dispute looked at: the rating, and what was done about it. */
    public record Appeal(Address client, long feedbackIndex, Optional<String> requestHash, String outcome) {}

    /**
     * @param agentId the miner's identity (registered from its wallet)
     * @param validator the wallet of the validator to ask
     */
    public MinerAppeals(
            TrustRegistries trust, long agentId, Address validator, MinerServer miner, Treasury wallet, Signer key) {
        this.trust = trust;
        this.agentId = agentId;
        this.validator = validator;
        this.miner = miner;
        this.wallet = wallet;
        this.key = key;
    }

    /** Appeals every dispute rated since the last call (since the chain began, the first time). */
    public synchronized List<Appeal> appealNew() {
        List<Appeal> out = new ArrayList<>();
        for (TrustRegistries.Given given : trust.feedbackFor(agentId, nextBlock)) {
            nextBlock = Math.max(nextBlock, given.blockNumber() + 1);
            if (given.value().signum() >= 0) {
                continue;
            }
            out.add(appeal(given));
        }
        return out;
    }

    private Appeal appeal(TrustRegistries.Given given) {
        Optional<Receipt> receipt = receiptIn(given.feedbackURI());
        if (receipt.isEmpty()) {
            return new Appeal(
                    given.client(), given.index(), Optional.empty(), "no receipt of ours in the rating's file");
        }
        Optional<ReplayValidator.Request> request = miner.validationRequestFor(receipt.get());
        if (request.isEmpty()) {
            return new Appeal(
                    given.client(),
                    given.index(),
                    Optional.empty(),
                    "the disputed answer is not among the " + MinerServer.KEPT_FOR_APPEALS + " this miner keeps");
        }
        String hash = "0x" + HexFormat.of().formatHex(request.get().requestHash());
        if (trust.validation(request.get().requestHash()).isPresent()) {
            return new Appeal(given.client(), given.index(), Optional.of(hash), "appealed already");
        }
        try {
            trust.requestValidation(
                    validator,
                    agentId,
                    request.get().requestURI(),
                    request.get().requestHash(),
                    wallet,
                    key);
            return new Appeal(given.client(), given.index(), Optional.of(hash), "asked " + validator + " to replay it");
        } catch (TreasuryException e) {
            return new Appeal(given.client(), given.index(), Optional.of(hash), "not appealed: " + e.getMessage());
        }
    }

    /** The receipt signed by this miner in a rating's file (a data URI with an {@code evidence} text). */
    private Optional<Receipt> receiptIn(String feedbackURI) {
        if (!feedbackURI.startsWith(DATA_JSON)) {
            return Optional.empty();
        }
        try {
            JsonNode file = JSON.readTree(new String(
                    Base64.getDecoder().decode(feedbackURI.substring(DATA_JSON.length())), StandardCharsets.UTF_8));
            Matcher m = RECEIPT.matcher(file.path("evidence").asText());
            while (m.find()) {
                try {
                    Receipt r = Receipt.decode(m.group(1));
                    if (r.miner().equals(miner.wallet())) {
                        return Optional.of(r);
                    }
                } catch (RuntimeException notAReceipt) {
                    // another miner's, or not one: look on
                }
            }
        } catch (java.io.IOException | IllegalArgumentException malformed) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
