package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Hashes;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signer;
import dev.cyberia.keystore.TypedData;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The ERC-8004 ("Trustless Agents") registries on a chain: who an agent is (an ERC-721 identity
 * whose URI is its registration file, and the wallet that is paid for it), what its clients said of
 * it (feedback, each with the hash of a file carrying the x402 proof of payment), and what
 * validators found when asked to check its work. Writes are contract calls through a {@link
 * Treasury}'s journal (exactly once per idempotency key; only gas is booked); reads are calls.
 */
public final class TrustRegistries {
    /** Where the three registries are. */
    public record Addresses(Address identity, Address reputation, Address validation) {}

    /** An agent's identity. */
    public record Identity(long agentId, Address owner, String agentURI, Optional<Address> wallet) {}

    /**
     * One rating of an agent.
     *
     * @param value with {@code decimals}, e.g. 100 and 0 for "served well", -100 for a dispute
     * @param tag1 what the value means (e.g. {@code served}, {@code disputed})
     * @param feedbackHash the keccak-256 of the feedback file at {@code feedbackURI} (32 bytes)
     */
    public record Feedback(
            BigInteger value,
            int decimals,
            String tag1,
            String tag2,
            String endpoint,
            String feedbackURI,
            byte[] feedbackHash) {
        public Feedback {
            if (decimals < 0 || decimals > 18) {
                throw new InvalidTreasuryInputException("feedback has 0 to 18 decimals, not " + decimals);
            }
            if (feedbackHash.length != 32) {
                throw new InvalidTreasuryInputException("a feedback hash is 32 bytes");
            }
            feedbackHash = feedbackHash.clone();
        }

        @Override
        public byte[] feedbackHash() {
            return feedbackHash.clone();
        }
    }

    /** What an agent's clients said: how many ratings, and their mean. */
    public record Reputation(long count, BigDecimal average, int clients) {
        /** Nobody rated it yet. */
        public static final Reputation NONE = new Reputation(0, BigDecimal.ZERO, 0);

        @Override
        public String toString() {
            return count == 0
                    ? "unrated"
                    : average.stripTrailingZeros().toPlainString() + " from " + count + " ratings by " + clients
                            + (clients == 1 ? " client" : " clients");
        }
    }

    /** A validator's answer to a request: 0 fails, 100 passes. */
    public record Validation(Address validator, long agentId, int response, String tag, Instant lastUpdate) {}

    private static final String REGISTERED = Abi.topic("Registered(uint256,string,address)");

    private final Chain chain;
    private final Addresses at;

    public TrustRegistries(Chain chain, Addresses at) {
        this.chain = chain;
        this.at = at;
    }

    public Addresses addresses() {
        return at;
    }

    /** The identity registry's global name, {@code eip155:CHAIN:ADDRESS}. */
    public String agentRegistry() {
        return "eip155:" + chain.chainId() + ":" + at.identity();
    }

    // --- identity ---

    /**
     * Registers the treasury's wallet as an agent whose registration file is at {@code agentURI},
     * or, when it is registered already, points its identity there. Its wallet is the caller: the
     * registering transaction is its proof.
     */
    public Identity register(String agentURI, Treasury wallet, Signer signer) {
        Optional<Identity> known = agentOf(wallet.wallet());
        if (known.isPresent()) {
            if (!known.get().agentURI().equals(agentURI)) {
                send(
                        wallet,
                        signer,
                        "erc8004:uri:" + known.get().agentId() + ":" + sha(agentURI),
                        at.identity(),
                        Abi.call(
                                "setAgentURI(uint256,string)",
                                BigInteger.valueOf(known.get().agentId()),
                                agentURI),
                        "pointing agent #" + known.get().agentId() + " at " + agentURI);
            }
            return identity(known.get().agentId());
        }
        send(
                wallet,
                signer,
                "erc8004:register:" + wallet.wallet(),
                at.identity(),
                Abi.call("register(string)", agentURI),
                "registering " + wallet.wallet());
        return agentOf(wallet.wallet())
                .orElseThrow(() -> new TreasuryException("registered " + wallet.wallet() + " but found no identity"));
    }

    /** The identity {@code owner} registered (its first still owned), if any. */
    public Optional<Identity> agentOf(Address owner) {
        String ownerTopic =
                "0x" + "0".repeat(24) + owner.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        for (Chain.Logged log : chain.logs(at.identity(), java.util.Arrays.asList(REGISTERED, null, ownerTopic), 0)) {
            long agentId = new BigInteger(log.topics().get(1).substring(2), 16).longValueExact();
            Identity identity = identity(agentId);
            if (identity.owner().equals(owner)) {
                return Optional.of(identity);
            }
        }
        return Optional.empty();
    }

    /** An agent's identity by its id. */
    public Identity identity(long agentId) {
        BigInteger id = BigInteger.valueOf(agentId);
        Address owner = address(read(at.identity(), Abi.call("ownerOf(uint256)", id)), 0);
        String uri = Abi.string(read(at.identity(), Abi.call("tokenURI(uint256)", id)));
        Address wallet = address(read(at.identity(), Abi.call("getAgentWallet(uint256)", id)), 0);
        return new Identity(
                agentId, owner, uri, wallet.equals(Address.of(new byte[20])) ? Optional.empty() : Optional.of(wallet));
    }

    /**
     * What {@code newWallet} signs to become agent {@code agentId}'s wallet (EIP-712
     * {@code AgentWalletSet}, domain {@code ERC8004IdentityRegistry} version 1), valid until
     * {@code deadline} (at most five minutes ahead).
     */
    public TypedData walletProof(long agentId, Address newWallet, Address owner, long deadline) {
        String json = """
                {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},\
                {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],\
                "AgentWalletSet":[{"name":"agentId","type":"uint256"},{"name":"newWallet","type":"address"},\
                {"name":"owner","type":"address"},{"name":"deadline","type":"uint256"}]},\
                "primaryType":"AgentWalletSet",\
                "domain":{"name":"ERC8004IdentityRegistry","version":"1","chainId":%d,"verifyingContract":"%s"},\
                "message":{"agentId":%d,"newWallet":"%s","owner":"%s","deadline":%d}}""".formatted(chain.chainId(), at.identity(), agentId, newWallet, owner, deadline);
        return TypedData.fromJson(json);
    }

    /** Makes {@code newWallet} the agent's wallet, with its signature of {@link #walletProof}. */
    public void setAgentWallet(
            long agentId, Address newWallet, long deadline, Signature proof, Treasury wallet, Signer signer) {
        send(
                wallet,
                signer,
                "erc8004:wallet:" + agentId + ":" + newWallet + ":" + sha(proof.toHex()),
                at.identity(),
                Abi.call(
                        "setAgentWallet(uint256,address,uint256,bytes)",
                        BigInteger.valueOf(agentId),
                        newWallet,
                        BigInteger.valueOf(deadline),
                        new Abi.Bytes(proof.toBytes())),
                "setting agent #" + agentId + "'s wallet to " + newWallet);
    }

    // --- reputation ---

    /**
     * Rates agent {@code agentId} from the treasury's wallet, once per {@code idempotencyKey}. An
     * agent cannot rate itself (the registry refuses).
     */
    public void giveFeedback(long agentId, Feedback f, String idempotencyKey, Treasury wallet, Signer signer) {
        send(
                wallet,
                signer,
                idempotencyKey,
                at.reputation(),
                Abi.call(
                        "giveFeedback(uint256,int128,uint8,string,string,string,string,bytes32)",
                        BigInteger.valueOf(agentId),
                        f.value(),
                        f.decimals(),
                        f.tag1(),
                        f.tag2(),
                        f.endpoint(),
                        f.feedbackURI(),
                        f.feedbackHash()),
                "rating agent #" + agentId);
    }

    /** One rating as the registry logged it: who gave it, its figure and tag, and its file. */
    public record Given(
            long agentId,
            Address client,
            long index,
            BigInteger value,
            int decimals,
            String tag1,
            String feedbackURI,
            long blockNumber) {}

    private static final String NEW_FEEDBACK =
            Abi.topic("NewFeedback(uint256,address,uint64,int128,uint8,string,string,string,string,string,bytes32)");

    /** The ratings agent {@code agentId} was given from block {@code fromBlock} on, oldest first. */
    public List<Given> feedbackFor(long agentId, long fromBlock) {
        String agentTopic = "0x" + String.format("%064x", agentId);
        List<Given> out = new ArrayList<>();
        for (Chain.Logged log :
                chain.logs(at.reputation(), java.util.Arrays.asList(NEW_FEEDBACK, agentTopic), fromBlock)) {
            String data = log.data();
            out.add(new Given(
                    agentId,
                    Address.of(
                            java.util.Arrays.copyOfRange(Abi.bytes(log.topics().get(2)), 12, 32)),
                    Abi.wordAt(data, 0).longValueExact(),
                    Abi.signedWordAt(data, 1),
                    Abi.wordAt(data, 2).intValueExact(),
                    Abi.stringAt(data, 3),
                    Abi.stringAt(data, 6),
                    log.blockNumber()));
        }
        return out;
    }

    /** The validations of agent {@code agentId} answered under {@code tag} (empty: any): how many, and their mean. */
    public record Validated(long count, int average) {
        /** ", N answers validated (mean M)", or "" when none is. */
        public String described() {
            return count == 0
                    ? ""
                    : ", " + count + (count == 1 ? " answer" : " answers") + " validated (mean " + average + ")";
        }
    }

    public Validated validations(long agentId, String tag) {
        String r = read(
                at.validation(),
                Abi.call("getSummary(uint256,address[],string)", BigInteger.valueOf(agentId), new Address[0], tag));
        return new Validated(Abi.wordAt(r, 0).longValueExact(), Abi.wordAt(r, 1).intValueExact());
    }

    /** What every client of agent {@code agentId} said of it, all tags together. */
    public Reputation reputation(long agentId) {
        return reputation(agentId, "");
    }

    /** What every client said of it under {@code tag1} (empty: every tag). */
    public Reputation reputation(long agentId, String tag1) {
        List<Address> clients =
                addresses(read(at.reputation(), Abi.call("getClients(uint256)", BigInteger.valueOf(agentId))));
        if (clients.isEmpty()) {
            return Reputation.NONE;
        }
        String r = read(
                at.reputation(),
                Abi.call(
                        "getSummary(uint256,address[],string,string)",
                        BigInteger.valueOf(agentId),
                        clients.toArray(Address[]::new),
                        tag1,
                        ""));
        long count = Abi.wordAt(r, 0).longValueExact();
        BigDecimal mean =
                new BigDecimal(Abi.signedWordAt(r, 1), Abi.wordAt(r, 2).intValueExact());
        return count == 0 ? Reputation.NONE : new Reputation(count, mean, clients.size());
    }

    /**
     * How much an offer's price counts, by its seller's reputation: ×1 unrated, down to ×0.5 for
     * a seller every client rated 100, up to ×1.5 for one every client rated -100. A buyer weighs
     * prices by this, so a well-rated seller wins against a slightly cheaper unknown one, and a
     * disputed seller must be much cheaper to be chosen.
     */
    public BigDecimal weightOf(Address seller) {
        Instant now = Instant.now();
        Weighed known = weights.get(seller);
        if (known != null && known.until().isAfter(now)) {
            return known.weight();
        }
        BigDecimal weight = weighed(seller);
        weights.put(seller, new Weighed(weight, now.plus(WEIGHTS_KEPT)));
        return weight;
    }

    /**
     * A seller's weight as last read: reputations change only when someone rates, so a choice made
     * on every purchase reads the chain (logs, identity, clients, summary) once a minute per seller.
     */
    private record Weighed(BigDecimal weight, Instant until) {}

    private static final java.time.Duration WEIGHTS_KEPT = java.time.Duration.ofMinutes(1);
    private final java.util.Map<Address, Weighed> weights = new java.util.concurrent.ConcurrentHashMap<>();

    private BigDecimal weighed(Address seller) {
        Optional<Identity> identity = agentOf(seller);
        if (identity.isEmpty()) {
            return BigDecimal.ONE;
        }
        Reputation r = reputation(identity.get().agentId());
        if (r.count() == 0) {
            return BigDecimal.ONE;
        }
        BigDecimal score = r.average()
                .max(BigDecimal.valueOf(-100))
                .min(BigDecimal.valueOf(100))
                .add(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(200), 4, java.math.RoundingMode.HALF_EVEN); // 0 .. 1
        return new BigDecimal("1.5").subtract(score);
    }

    /** {@code offers} ordered by price weighed by each seller's reputation ({@link #weightOf}), cheapest first. */
    public List<Offer> ranked(List<Offer> offers) {
        java.util.Map<Address, BigDecimal> weights = new java.util.HashMap<>();
        return offers.stream()
                .sorted(java.util.Comparator.comparing((Offer o) ->
                        new BigDecimal(o.price()).multiply(weights.computeIfAbsent(o.offerer(), this::weightOf))))
                .toList();
    }

    // --- validation ---

    /**
     * Asks {@code validator} to check agent {@code agentId}'s work described at {@code requestURI}
     * (its owner or operator asks: the treasury's wallet must be one), once per request hash.
     */
    public void requestValidation(
            Address validator, long agentId, String requestURI, byte[] requestHash, Treasury wallet, Signer signer) {
        send(
                wallet,
                signer,
                "erc8004:validate:" + HexFormat.of().formatHex(requestHash),
                at.validation(),
                Abi.call(
                        "validationRequest(address,uint256,string,bytes32)",
                        validator,
                        BigInteger.valueOf(agentId),
                        requestURI,
                        requestHash),
                "asking " + validator + " to validate agent #" + agentId);
    }

    /** The named validator's answer, 0 (fails) to 100 (passes). */
    public void respondToValidation(
            byte[] requestHash,
            int response,
            String responseURI,
            byte[] responseHash,
            String tag,
            Treasury wallet,
            Signer signer) {
        if (response < 0 || response > 100) {
            throw new InvalidTreasuryInputException("a validation answer is 0 to 100, not " + response);
        }
        send(
                wallet,
                signer,
                "erc8004:answer:" + HexFormat.of().formatHex(requestHash) + ":" + response + ":" + tag,
                at.validation(),
                Abi.call(
                        "validationResponse(bytes32,uint8,string,bytes32,string)",
                        requestHash,
                        response,
                        responseURI,
                        responseHash,
                        tag),
                "answering validation " + HexFormat.of().formatHex(requestHash));
    }

    /** A validation request waiting for its validator: what to check, and the commitment to it. */
    public record PendingValidation(long agentId, String requestURI, byte[] requestHash) {
        public PendingValidation {
            requestHash = requestHash.clone();
        }

        @Override
        public byte[] requestHash() {
            return requestHash.clone();
        }
    }

    private static final String VALIDATION_REQUEST = Abi.topic("ValidationRequest(address,uint256,string,bytes32)");

    /** The requests addressed to {@code validator} that it has not answered yet, oldest first. */
    public List<PendingValidation> pendingFor(Address validator) {
        String validatorTopic =
                "0x" + "0".repeat(24) + validator.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        List<PendingValidation> out = new ArrayList<>();
        for (Chain.Logged log :
                chain.logs(at.validation(), java.util.Arrays.asList(VALIDATION_REQUEST, validatorTopic), 0)) {
            byte[] hash = Abi.bytes(log.topics().get(3));
            Optional<Validation> state = validation(hash);
            if (state.isPresent() && state.get().tag().isEmpty() && state.get().response() == 0) {
                out.add(new PendingValidation(
                        new BigInteger(log.topics().get(2).substring(2), 16).longValueExact(),
                        Abi.string(log.data()),
                        hash));
            }
        }
        return out;
    }

    /** A validation request's state; empty when there is none under this hash. */
    public Optional<Validation> validation(byte[] requestHash) {
        String r;
        try {
            r = read(at.validation(), Abi.call("getValidationStatus(bytes32)", requestHash));
        } catch (RpcErrorException unknown) {
            return Optional.empty();
        }
        return Optional.of(new Validation(
                address(r, 0),
                Abi.wordAt(r, 1).longValueExact(),
                Abi.wordAt(r, 2).intValueExact(),
                Abi.stringAt(r, 4),
                Instant.ofEpochSecond(Abi.wordAt(r, 5).longValueExact())));
    }

    /** The keccak-256 of a file, as feedback and validation commit to it. */
    public static byte[] hashOf(String content) {
        return Hashes.keccak256(content.getBytes(StandardCharsets.UTF_8));
    }

    // --- plumbing ---

    /** One contract call from the wallet, exactly once per key and wallet (a journal may hold many wallets). */
    private void send(Treasury wallet, Signer signer, String key, Address contract, byte[] data, String what) {
        Payment sent = wallet.transact(key + "@" + wallet.wallet(), contract, data, signer);
        switch (sent.state()) {
            case PaymentState.Confirmed c -> {}
            case PaymentState.Failed f -> throw new TreasuryException(what + " failed: " + f.reason());
            default ->
                throw new TreasuryException(
                        what + " is " + sent.state() + "; 'cyberia treasury reconcile' finishes it");
        }
    }

    private String read(Address contract, byte[] data) {
        return Abi.hex(chain.call(contract, data));
    }

    private static Address address(String hexResult, int index) {
        byte[] word = Abi.bytes(hexResult);
        return Address.of(java.util.Arrays.copyOfRange(word, 32 * index + 12, 32 * index + 32));
    }

    /** A returned {@code address[]}: its offset, then its length, then the items. */
    private static List<Address> addresses(String hexResult) {
        int offset = Abi.wordAt(hexResult, 0).intValueExact() / 32;
        int length = Abi.wordAt(hexResult, offset).intValueExact();
        List<Address> out = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            out.add(address(hexResult, offset + 1 + i));
        }
        return out;
    }

    private static String sha(String text) {
        return HexFormat.of()
                .formatHex(Hashes.keccak256(text.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
    }
}
