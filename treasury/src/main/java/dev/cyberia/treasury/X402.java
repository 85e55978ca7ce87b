package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.InvalidKeyInputException;
import dev.cyberia.keystore.Signature;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * x402 version 2 over HTTP, scheme {@code exact} on EVM (EIP-3009): the three messages and their
 * headers ({@code PAYMENT-REQUIRED}, {@code PAYMENT-SIGNATURE}, {@code PAYMENT-RESPONSE}), each
 * base64-encoded JSON. Decoding checks the whole shape and throws {@link X402Exception} with the
 * protocol's error reason.
 */
public final class X402 {
    public static final int VERSION = 2;
    public static final String PAYMENT_REQUIRED = "PAYMENT-REQUIRED";
    public static final String PAYMENT_SIGNATURE = "PAYMENT-SIGNATURE";
    public static final String PAYMENT_RESPONSE = "PAYMENT-RESPONSE";
    /** The a2a-x402 extension (spec v0.2): x402 payments inside A2A tasks. */
    public static final String A2A_EXTENSION =
            "https://github.com/google-agentic-commerce/a2a-x402/blob/main/spec/v0.2";
    /** The header in which an A2A 0.3 client activates extensions. */
    public static final String A2A_EXTENSIONS_HEADER = "X-A2A-Extensions";

    public static final String EXACT = "exact";
    /** Channels: one deposit, then a signed cumulative voucher per request, claimed in batches. */
    public static final String BATCH_SETTLEMENT = "batch-settlement";
    /** The x402 extension a buyer names its payment with, so that a seller can deduplicate retries. */
    public static final String PAYMENT_IDENTIFIER = "payment-identifier";

    private static final ObjectMapper JSON = new ObjectMapper();

    private X402() {}

    /** The CAIP-2 id of an EVM chain: {@code eip155:31337}. */
    public static String network(long chainId) {
        return "eip155:" + chainId;
    }

    public record ResourceInfo(String url, String description, String mimeType) {}

    /**
     * One way to pay: for {@code exact} on EVM, {@code amount} base units of the EIP-3009 token
     * {@code asset} to {@code payTo}. {@code wire} is the entry exactly as the seller offered it
     * (every field, {@code extra} included): a buyer echoes it back unchanged as {@code accepted}.
     */
    public record Requirements(
            String scheme,
            String network,
            BigInteger amount,
            Address asset,
            Address payTo,
            int maxTimeoutSeconds,
            String tokenName,
            String tokenVersion,
            JsonNode wire) {

        public Requirements {
            if (wire == null) {
                wire = requirements(scheme, network, amount, asset, payTo, maxTimeoutSeconds, tokenName, tokenVersion);
            }
        }

        /** Whether {@code other} is this offer, field for field as it travels (the buyer's {@code accepted} echo). */
        public boolean sameOfferAs(Requirements other) {
            return wire.equals(other.wire);
        }

        public static Requirements exact(
                long chainId, TokenDomain token, Amount price, Address payTo, int maxTimeoutSeconds) {
            return new Requirements(
                    EXACT,
                    X402.network(chainId),
                    price.baseUnits(),
                    token.verifyingContract(),
                    payTo,
                    maxTimeoutSeconds,
                    token.name(),
                    token.version(),
                    null);
        }

        /**
         * A {@code batch-settlement} offer: at most {@code price} per request, from a channel whose
         * receiver is {@code payTo} and whose claims and refunds {@code receiverAuthorizer} authorizes.
         */
        public static Requirements channel(
                long chainId,
                TokenDomain token,
                Amount price,
                Address payTo,
                Address receiverAuthorizer,
                long withdrawDelay,
                Amount minDeposit,
                int maxTimeoutSeconds) {
            ObjectNode wire = requirements(
                    BATCH_SETTLEMENT,
                    X402.network(chainId),
                    price.baseUnits(),
                    token.verifyingContract(),
                    payTo,
                    maxTimeoutSeconds,
                    token.name(),
                    token.version());
            ObjectNode extra = (ObjectNode) wire.get("extra");
            extra.put("receiverAuthorizer", receiverAuthorizer.toString());
            extra.put("withdrawDelay", withdrawDelay);
            extra.put("minDeposit", minDeposit.baseUnits().toString());
            return new Requirements(
                    BATCH_SETTLEMENT,
                    X402.network(chainId),
                    price.baseUnits(),
                    token.verifyingContract(),
                    payTo,
                    maxTimeoutSeconds,
                    token.name(),
                    token.version(),
                    wire);
        }

        /** Whether this is a channel offer ({@code batch-settlement}). */
        public boolean isChannel() {
            return BATCH_SETTLEMENT.equals(scheme);
        }

        /** The chain id of {@code network}. */
        public long chainId() {
            return Long.parseLong(network.substring("eip155:".length()));
        }

        /** A channel offer's claim and refund authorizer ({@code extra.receiverAuthorizer}). */
        public Address receiverAuthorizer() {
            try {
                return Address.parse(
                        wire.path("extra").path("receiverAuthorizer").asText());
            } catch (InvalidKeyInputException e) {
                throw malformed(
                        "invalid_payment_requirements",
                        "a batch-settlement offer needs extra.receiverAuthorizer, an address: " + e.getMessage());
            }
        }

        /** A channel offer's withdrawal delay in seconds ({@code extra.withdrawDelay}, 900 when absent). */
        public long withdrawDelay() {
            return wire.path("extra").path("withdrawDelay").asLong(ChannelConfig.MIN_WITHDRAW_DELAY);
        }

        /** The smallest deposit a channel offer asks for ({@code extra.minDeposit}), else zero. */
        public BigInteger minDeposit() {
            String text = wire.path("extra").path("minDeposit").asText("0");
            return text.matches("[0-9]{1,40}") ? new BigInteger(text) : BigInteger.ZERO;
        }

        /** The token domain {@code extra} states ({@code name}, {@code version}); blank when the seller gave none. */
        public TokenDomain tokenDomain() {
            long chainId = Long.parseLong(network.substring("eip155:".length()));
            return new TokenDomain(tokenName, tokenVersion, chainId, asset);
        }

        /**
         * The domain a buyer signs for: the one {@code extra} states, else the one the token
         * publishes on {@code chain} ({@link TokenDomain#readFrom}).
         */
        public TokenDomain tokenDomain(Chain chain) {
            return tokenName.isEmpty() || tokenVersion.isEmpty() ? TokenDomain.readFrom(chain, asset) : tokenDomain();
        }
    }

    /**
     * The 402 answer: what the resource is and the ways to pay for it ({@code exact} on EVM only;
     * others are left out when decoding). {@code resourceWire} is the resource object as sent.
     */
    public record PaymentRequired(
            ResourceInfo resource, List<Requirements> accepts, String error, JsonNode resourceWire) {
        public PaymentRequired {
            accepts = List.copyOf(accepts);
        }

        public PaymentRequired(ResourceInfo resource, List<Requirements> accepts, String error) {
            this(resource, accepts, error, null);
        }
    }

    /**
     * The buyer's payment: the chosen requirements and a signed EIP-3009 authorization, and the
     * buyer's name for this payment ({@code payment-identifier} extension), when it gave one.
     */
    public record PaymentPayload(
            ResourceInfo resource,
            Requirements accepted,
            TransferAuthorization authorization,
            java.util.Optional<String> paymentId) {
        public PaymentPayload(ResourceInfo resource, Requirements accepted, TransferAuthorization authorization) {
            this(resource, accepted, authorization, java.util.Optional.empty());
        }
    }

    /**
     * The payment identifier the x402 {@code payment-identifier} extension carries for an
     * idempotency key of ours: {@code pay_} and 32 hex digits of its SHA-256, stable for the key.
     */
    public static String paymentId(String idempotencyKey) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "pay_" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The seller's settlement result. {@code extra} carries a channel's state after the request
     * ({@code channelState}) and what the request was charged ({@code chargedAmount}); null for
     * {@code exact}.
     */
    public record SettlementResponse(
            boolean success, String errorReason, String transaction, String network, Address payer, JsonNode extra) {
        public SettlementResponse(
                boolean success, String errorReason, String transaction, String network, Address payer) {
            this(success, errorReason, transaction, network, payer, null);
        }

        /** What a channel request was charged ({@code extra.chargedAmount}), when the seller says. */
        public java.util.Optional<BigInteger> chargedAmount() {
            String text = extra == null ? "" : extra.path("chargedAmount").asText("");
            return text.matches("[0-9]{1,40}")
                    ? java.util.Optional.of(new BigInteger(text))
                    : java.util.Optional.empty();
        }
    }

    /**
     * A payment over a channel ({@code batch-settlement}): a voucher for the new running total, and
     * on the first request or a top-up a deposit into the channel; or a request to refund the rest.
     */
    public record ChannelPayment(
            ResourceInfo resource,
            Requirements accepted,
            String type,
            ChannelConfig config,
            Voucher voucher,
            java.util.Optional<ChannelDeposit> deposit,
            java.util.Optional<String> paymentId) {
        public static final String DEPOSIT = "deposit";
        public static final String VOUCHER = "voucher";
        public static final String REFUND = "refund";
    }

    /** The scheme a {@code PAYMENT-SIGNATURE} header pays with ({@code accepted.scheme}). */
    public static String schemeOf(String header) {
        JsonNode n = parse(header, PAYMENT_SIGNATURE);
        return n.path("accepted").path("scheme").asText("");
    }

    /** The {@code PAYMENT-SIGNATURE} header of a channel payment. */
    public static String encode(ChannelPayment payment, JsonNode resourceWire) {
        ObjectNode n = JSON.createObjectNode();
        n.put("x402Version", VERSION);
        if (resourceWire != null) {
            n.set("resource", resourceWire);
        } else if (payment.resource() != null) {
            n.set("resource", resource(payment.resource()));
        }
        n.set("accepted", payment.accepted().wire());
        ObjectNode payload = n.putObject("payload");
        payload.put("type", payment.type());
        payload.set("channelConfig", payment.config().toJson());
        payload.putObject("voucher")
                .put("channelId", payment.voucher().channelId())
                .put("maxClaimableAmount", payment.voucher().maxClaimable().toString())
                .put("signature", payment.voucher().signature().toHex());
        payment.deposit()
                .ifPresent(d -> payload.putObject("deposit")
                        .put("amount", d.amount().toString())
                        .putObject("authorization")
                        .putObject("erc3009Authorization")
                        .put("validAfter", d.validAfter().toString())
                        .put("validBefore", d.validBefore().toString())
                        .put("salt", d.salt())
                        .put("signature", d.signature().toHex()));
        payment.paymentId().ifPresent(id -> putPaymentId(n, id));
        return base64(n);
    }

    /**
     * Reads a channel payment.
     *
     * @throws X402Exception with the x402 reason (400) when it is malformed
     */
    public static ChannelPayment decodeChannelPayment(String header) {
        JsonNode n = parse(header, PAYMENT_SIGNATURE);
        checkVersion(n);
        JsonNode accepted = n.get("accepted");
        JsonNode payload = n.get("payload");
        if (accepted == null || !accepted.isObject() || payload == null || !payload.isObject()) {
            throw malformed("invalid_payload", PAYMENT_SIGNATURE + " needs 'accepted' and 'payload' objects");
        }
        Requirements requirements = readRequirements(accepted, "invalid_payload");
        if (!requirements.isChannel()) {
            throw malformed("unsupported_scheme", "this is not a batch-settlement payment");
        }
        String type = payload.path("type").asText("");
        if (!List.of(ChannelPayment.DEPOSIT, ChannelPayment.VOUCHER, ChannelPayment.REFUND)
                .contains(type)) {
            throw malformed(
                    "invalid_batch_settlement_evm_payload_type",
                    "payload.type must be deposit, voucher or refund, not '" + type + "'");
        }
        ChannelConfig config = ChannelConfig.fromJson(payload.get("channelConfig"));
        JsonNode v = payload.path("voucher");
        Voucher voucher = new Voucher(
                text(v, "channelId", "invalid_payload"),
                uint(v, "maxClaimableAmount"),
                Signature.fromHex(canonicalSignature(text(v, "signature", "invalid_payload"))));
        java.util.Optional<ChannelDeposit> deposit = java.util.Optional.empty();
        if (ChannelPayment.DEPOSIT.equals(type)) {
            JsonNode d = payload.path("deposit");
            JsonNode auth = d.path("authorization").path("erc3009Authorization");
            if (!auth.isObject()) {
                throw malformed(
                        "invalid_batch_settlement_evm_payload_type",
                        "a deposit needs deposit.authorization.erc3009Authorization (permit2 is not accepted here)");
            }
            String salt = text(auth, "salt", "invalid_payload");
            if (!salt.matches("0x[0-9a-fA-F]{64}")) {
                throw malformed("invalid_payload", "a deposit's salt must be 32 bytes of 0x-hex");
            }
            deposit = java.util.Optional.of(new ChannelDeposit(
                    uint(d, "amount"),
                    uint(auth, "validAfter"),
                    uint(auth, "validBefore"),
                    salt.toLowerCase(java.util.Locale.ROOT),
                    Signature.fromHex(canonicalSignature(text(auth, "signature", "invalid_payload")))));
        }
        return new ChannelPayment(
                n.has("resource") ? readResource(n.get("resource")) : null,
                requirements,
                type,
                config,
                voucher,
                deposit,
                paymentId(n));
    }

    public static String encode(PaymentRequired required) {
        ObjectNode n = JSON.createObjectNode();
        n.put("x402Version", VERSION);
        if (required.error() != null) {
            n.put("error", required.error());
        }
        n.set("resource", required.resourceWire() != null ? required.resourceWire() : resource(required.resource()));
        var accepts = n.putArray("accepts");
        required.accepts().forEach(r -> accepts.add(r.wire()));
        return base64(n);
    }

    public static String encode(PaymentPayload payment) {
        return encode(payment, null);
    }

    /**
     * The {@code PAYMENT-SIGNATURE} header of a payment, its resource echoed as the seller sent it
     * ({@code resourceWire}, or built from the record when null) and its requirement echoed exactly
     * as offered; with the {@code payment-identifier} extension when the payment has an id.
     */
    public static String encode(PaymentPayload payment, JsonNode resourceWire) {
        ObjectNode n = JSON.createObjectNode();
        n.put("x402Version", VERSION);
        if (resourceWire != null) {
            n.set("resource", resourceWire);
        } else if (payment.resource() != null) {
            n.set("resource", resource(payment.resource()));
        }
        n.set("accepted", payment.accepted().wire());
        ObjectNode payload = n.putObject("payload");
        TransferAuthorization a = payment.authorization();
        payload.put("signature", a.signature().toHex());
        ObjectNode auth = payload.putObject("authorization");
        auth.put("from", a.from().toString());
        auth.put("to", a.to().toString());
        auth.put("value", a.value().toString());
        auth.put("validAfter", a.validAfter().toString());
        auth.put("validBefore", a.validBefore().toString());
        auth.put("nonce", a.nonce());
        payment.paymentId().ifPresent(id -> putPaymentId(n, id));
        return base64(n);
    }

    public static String encode(SettlementResponse response) {
        ObjectNode n = JSON.createObjectNode();
        n.put("success", response.success());
        if (response.errorReason() != null) {
            n.put("errorReason", response.errorReason());
        }
        n.put("transaction", response.transaction() == null ? "" : response.transaction());
        n.put("network", response.network());
        if (response.payer() != null) {
            n.put("payer", response.payer().toString());
        }
        if (response.extra() != null) {
            n.put("amount", response.extra().path("amount").asText(""));
            ObjectNode extra = response.extra().deepCopy();
            extra.remove("amount");
            n.set("extra", extra);
        }
        return base64(n);
    }

    public static PaymentRequired decodePaymentRequired(String header) {
        JsonNode n = parse(header, PAYMENT_REQUIRED);
        checkVersion(n);
        if (!n.path("accepts").isArray()) {
            throw malformed("invalid_payment_requirements", PAYMENT_REQUIRED + " has no 'accepts' list");
        }
        List<Requirements> accepts = new ArrayList<>();
        for (JsonNode r : n.get("accepts")) {
            String scheme = r.path("scheme").asText();
            if ((EXACT.equals(scheme) || BATCH_SETTLEMENT.equals(scheme))
                    && r.path("network").asText().startsWith("eip155:")) {
                try {
                    Requirements read = readRequirements(r, "invalid_payment_requirements");
                    if (read.isChannel()) {
                        read.receiverAuthorizer(); // a channel offer must name its authorizer
                    }
                    accepts.add(read);
                } catch (X402Exception unusable) {
                    // an entry we cannot read is one we cannot pay; the others still can be
                }
            }
        }
        JsonNode resource = n.get("resource");
        return new PaymentRequired(
                readResource(resource),
                accepts,
                n.path("error").asText(null),
                resource != null && resource.isObject() ? resource : null);
    }

    public static PaymentPayload decodePaymentPayload(String header) {
        JsonNode n = parse(header, PAYMENT_SIGNATURE);
        checkVersion(n);
        JsonNode accepted = n.get("accepted");
        JsonNode payload = n.get("payload");
        if (accepted == null || !accepted.isObject() || payload == null || !payload.isObject()) {
            throw malformed("invalid_payload", PAYMENT_SIGNATURE + " needs 'accepted' and 'payload' objects");
        }
        Requirements requirements = readRequirements(accepted, "invalid_payload");
        if (!EXACT.equals(requirements.scheme())) {
            throw new X402Exception(
                    "unsupported_scheme",
                    400,
                    "only the 'exact' scheme is accepted, not '" + requirements.scheme() + "'");
        }
        JsonNode auth = payload.get("authorization");
        String signatureHex = text(payload, "signature", "invalid_payload");
        if (auth == null || !auth.isObject()) {
            throw malformed("invalid_payload", "payload.authorization is missing");
        }
        try {
            String nonce = text(auth, "nonce", "invalid_payload");
            if (!nonce.matches("0x[0-9a-fA-F]{64}")) {
                throw malformed("invalid_payload", "authorization.nonce must be 32 bytes of hex");
            }
            TransferAuthorization authorization = new TransferAuthorization(
                    requirements.tokenDomain(),
                    Address.parse(text(auth, "from", "invalid_payload")),
                    Address.parse(text(auth, "to", "invalid_payload")),
                    uint(auth, "value"),
                    uint(auth, "validAfter"),
                    uint(auth, "validBefore"),
                    nonce.toLowerCase(java.util.Locale.ROOT),
                    Signature.fromHex(canonicalSignature(signatureHex)));
            return new PaymentPayload(
                    n.has("resource") ? readResource(n.get("resource")) : null,
                    requirements,
                    authorization,
                    paymentId(n));
        } catch (InvalidKeyInputException e) {
            throw malformed("invalid_payload", "the payment payload is malformed: " + e.getMessage());
        }
    }

    public static SettlementResponse decodeSettlementResponse(String header) {
        JsonNode n = parse(header, PAYMENT_RESPONSE);
        String payer = n.path("payer").asText(null);
        return new SettlementResponse(
                n.path("success").asBoolean(false),
                n.path("errorReason").asText(null),
                n.path("transaction").asText(""),
                n.path("network").asText(""),
                payer == null ? null : Address.parse(payer),
                n.path("extra").isObject() ? n.get("extra") : null);
    }

    /** Names a payment with the x402 {@code payment-identifier} extension. */
    private static void putPaymentId(ObjectNode payment, String id) {
        payment.putObject("extensions")
                .putObject(PAYMENT_IDENTIFIER)
                .putObject("info")
                .put("required", false)
                .put("id", id);
    }

    /** The payment's {@code payment-identifier}, when it names one. */
    private static java.util.Optional<String> paymentId(JsonNode payment) {
        JsonNode id =
                payment.path("extensions").path(PAYMENT_IDENTIFIER).path("info").path("id");
        return id.isTextual() ? java.util.Optional.of(id.asText()) : java.util.Optional.empty();
    }

    /** Half the order of secp256k1: a canonical signature's s is at most this (EIP-2). */
    private static final BigInteger HALF_N =
            new BigInteger("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", 16);

    /**
     * The one encoding of a signature a seller takes: 65 bytes of hex ({@code r || s || v}), v 27
     * or 28, s in the lower half (EIP-2). Another encoding of the same signature (v 0/1, high s)
     * would let a copy of someone's payment pass for a different request; it is refused as malformed.
     */
    private static String canonicalSignature(String hex) {
        if (!hex.matches("0x[0-9a-fA-F]{130}")) {
            throw malformed("invalid_exact_evm_payload_signature", "the signature must be 65 bytes of 0x-hex");
        }
        int v = Integer.parseInt(hex.substring(130, 132), 16);
        BigInteger sValue = new BigInteger(hex.substring(66, 130), 16);
        if ((v != 27 && v != 28) || sValue.compareTo(HALF_N) > 0 || sValue.signum() == 0) {
            throw malformed(
                    "invalid_exact_evm_payload_signature",
                    "the signature is not canonical (v must be 27 or 28, s in the lower half of the curve order)");
        }
        return hex;
    }

    private static Requirements readRequirements(JsonNode r, String reason) {
        try {
            JsonNode extra = r.path("extra");
            if (!text(r, "network", reason).matches("eip155:[1-9][0-9]{0,17}")) {
                throw malformed(reason, "the network must be a CAIP-2 EVM id such as eip155:8453");
            }
            return new Requirements(
                    text(r, "scheme", reason),
                    text(r, "network", reason),
                    uint(r, "amount"),
                    Address.parse(text(r, "asset", reason)),
                    Address.parse(text(r, "payTo", reason)),
                    r.path("maxTimeoutSeconds").asInt(60),
                    extra.path("name").asText(""),
                    extra.path("version").asText(""),
                    r.deepCopy());
        } catch (InvalidKeyInputException e) {
            throw malformed(reason, "payment requirements are malformed: " + e.getMessage());
        }
    }

    private static ObjectNode requirements(
            String scheme,
            String network,
            BigInteger amount,
            Address asset,
            Address payTo,
            int maxTimeoutSeconds,
            String tokenName,
            String tokenVersion) {
        ObjectNode n = JSON.createObjectNode();
        n.put("scheme", scheme);
        n.put("network", network);
        n.put("amount", amount.toString());
        n.put("asset", asset.toString());
        n.put("payTo", payTo.toString());
        n.put("maxTimeoutSeconds", maxTimeoutSeconds);
        ObjectNode extra = n.putObject("extra");
        extra.put("name", tokenName);
        extra.put("version", tokenVersion);
        return n;
    }

    private static ObjectNode resource(ResourceInfo r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("url", r.url());
        if (r.description() != null) {
            n.put("description", r.description());
        }
        if (r.mimeType() != null) {
            n.put("mimeType", r.mimeType());
        }
        return n;
    }

    private static ResourceInfo readResource(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        return new ResourceInfo(
                n.path("url").asText(""),
                n.path("description").asText(null),
                n.path("mimeType").asText(null));
    }

    private static JsonNode parse(String header, String name) {
        if (header == null || header.isBlank()) {
            throw malformed("invalid_payload", name + " header is missing");
        }
        byte[] json;
        try {
            json = Base64.getDecoder().decode(header.trim());
        } catch (IllegalArgumentException e) {
            throw malformed("invalid_payload", name + " is not base64");
        }
        try {
            JsonNode n = JSON.readTree(new String(json, StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw malformed("invalid_payload", name + " is not a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw malformed("invalid_payload", name + " is not JSON");
        }
    }

    private static void checkVersion(JsonNode n) {
        if (n.path("x402Version").asInt(-1) != VERSION) {
            throw malformed(
                    "invalid_x402_version",
                    "x402Version must be " + VERSION + ", got "
                            + n.path("x402Version").asText("none"));
        }
    }

    private static String text(JsonNode n, String field, String reason) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw malformed(reason, "'" + field + "' is missing");
        }
        return v.asText();
    }

    private static BigInteger uint(JsonNode n, String field) {
        JsonNode v = n.get(field);
        String text = v == null ? "" : v.asText();
        if (!text.matches("[0-9]{1,78}")) {
            throw malformed("invalid_payload", "'" + field + "' must be a non-negative integer string");
        }
        return new BigInteger(text);
    }

    private static X402Exception malformed(String reason, String message) {
        return new X402Exception(reason, 400, message);
    }

    private static String base64(ObjectNode n) {
        return Base64.getEncoder().encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
    }
}
