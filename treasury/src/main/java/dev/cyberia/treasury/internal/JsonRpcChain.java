package dev.cyberia.treasury.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Fees;
import dev.cyberia.treasury.Receipt;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@link Chain} over {@link JsonRpc}. */
public final class JsonRpcChain implements Chain {
    private final JsonRpc rpc;
    private volatile long chainId = -1; // an endpoint's chain id does not change; Chain.connect checks it once
    /** Balances observed at {@link #head}: valid until the head moves, then dropped together. */
    private final java.util.concurrent.ConcurrentHashMap<String, dev.cyberia.treasury.Amount> observed =
            new java.util.concurrent.ConcurrentHashMap<>();

    private long head = -1;
    private long headReadAt = Long.MIN_VALUE;
    private static final long HEAD_MAX_AGE_NANOS = 1_000_000_000L;

    public JsonRpcChain(JsonRpc rpc) {
        this.rpc = rpc;
    }

    public static JsonRpcChain open(URI endpoint) {
        return new JsonRpcChain(new JsonRpc(endpoint, JsonRpc.Sleeper.REAL, 5, Duration.ofMillis(200)));
    }

    public JsonRpc client() {
        return rpc;
    }

    @Override
    public URI rpc() {
        return rpc.endpoint();
    }

    @Override
    public long chainId() {
        long known = chainId;
        if (known < 0) {
            known = quantity(rpc.call("eth_chainId")).longValueExact();
            chainId = known;
        }
        return known;
    }

    @Override
    public long blockNumber() {
        return quantity(rpc.call("eth_blockNumber")).longValueExact();
    }

    @Override
    public dev.cyberia.treasury.Amount observedBalanceOf(dev.cyberia.treasury.Asset asset, Address holder) {
        long at = observeHead();
        String key = asset.symbol() + "/" + asset.token().map(Address::toString).orElse("") + "/" + holder;
        dev.cyberia.treasury.Amount known = observed.get(key);
        if (known != null) {
            return known;
        }
        dev.cyberia.treasury.Amount read = balanceOf(asset, holder);
        synchronized (this) {
            if (head == at) { // a read that straddled a new head is not kept for it
                observed.put(key, read);
            }
        }
        return read;
    }

    /** Reads the head at most once a second; when it moved, what was observed before is dropped. */
    private synchronized long observeHead() {
        long now = System.nanoTime();
        if (head >= 0 && now - headReadAt < HEAD_MAX_AGE_NANOS) {
            return head;
        }
        long latest = blockNumber();
        headReadAt = now;
        if (latest != head) {
            observed.clear();
            head = latest;
        }
        return head;
    }

    @Override
    public BigInteger balance(Address address) {
        return quantity(rpc.call("eth_getBalance", address.toString(), "latest"));
    }

    @Override
    public BigInteger nonce(Address address, boolean includingPending) {
        return quantity(
                rpc.call("eth_getTransactionCount", address.toString(), includingPending ? "pending" : "latest"));
    }

    @Override
    public byte[] call(Address to, byte[] data) {
        Map<String, String> tx = new LinkedHashMap<>();
        tx.put("to", to.toString());
        tx.put("data", Abi.hex(data));
        return Abi.bytes(rpc.call("eth_call", tx, "latest").asText());
    }

    @Override
    public BigInteger estimateGas(Address from, Address to, BigInteger value, byte[] data) {
        Map<String, String> tx = new LinkedHashMap<>();
        tx.put("from", from.toString());
        if (to != null) {
            tx.put("to", to.toString());
        }
        tx.put("value", "0x" + value.toString(16));
        tx.put("data", Abi.hex(data));
        return quantity(rpc.call("eth_estimateGas", tx));
    }

    @Override
    public Fees suggestFees() {
        JsonNode block = rpc.call("eth_getBlockByNumber", "latest", false);
        BigInteger baseFee = block.hasNonNull("baseFeePerGas") ? quantity(block.get("baseFeePerGas")) : BigInteger.ZERO;
        BigInteger tip = quantity(rpc.call("eth_maxPriorityFeePerGas"));
        return new Fees(tip, baseFee.multiply(BigInteger.TWO).add(tip));
    }

    @Override
    public String sendRawTransaction(byte[] raw) {
        return rpc.call("eth_sendRawTransaction", Abi.hex(raw)).asText();
    }

    @Override
    public Optional<Receipt> receipt(String transactionHash) {
        JsonNode r = rpc.call("eth_getTransactionReceipt", transactionHash);
        if (r == null || r.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new Receipt(
                r.get("transactionHash").asText(),
                quantity(r.get("status")).signum() == 1,
                quantity(r.get("blockNumber")).longValueExact(),
                quantity(r.get("gasUsed")),
                r.hasNonNull("effectiveGasPrice") ? quantity(r.get("effectiveGasPrice")) : BigInteger.ZERO));
    }

    @Override
    public boolean knows(String transactionHash) {
        JsonNode tx = rpc.call("eth_getTransactionByHash", transactionHash);
        return tx != null && !tx.isNull();
    }

    @Override
    public java.util.List<Logged> logs(Address contract, java.util.List<String> topics, long fromBlock) {
        com.fasterxml.jackson.databind.node.ObjectNode filter =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        filter.put("address", contract.toString());
        filter.put("fromBlock", "0x" + Long.toHexString(Math.max(0, fromBlock)));
        filter.put("toBlock", "latest");
        var t = filter.putArray("topics");
        topics.forEach(topic -> {
            if (topic == null) {
                t.addNull();
            } else {
                t.add(topic);
            }
        });
        java.util.List<Logged> out = new java.util.ArrayList<>();
        for (JsonNode log : rpc.call("eth_getLogs", filter)) {
            java.util.List<String> logTopics = new java.util.ArrayList<>();
            log.path("topics").forEach(topic -> logTopics.add(topic.asText()));
            out.add(new Logged(
                    log.path("transactionHash").asText(),
                    quantity(log.path("blockNumber")).longValueExact(),
                    logTopics,
                    log.path("data").asText("0x")));
        }
        return out;
    }

    public static BigInteger quantity(JsonNode node) {
        String text = node.asText();
        return text.startsWith("0x")
                ? (text.length() == 2 ? BigInteger.ZERO : new BigInteger(text.substring(2), 16))
                : new BigInteger(text);
    }
}
