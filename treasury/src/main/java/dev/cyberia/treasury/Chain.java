package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.internal.JsonRpcChain;
import java.math.BigInteger;
import java.net.URI;
import java.util.Optional;

/**
 * An EVM chain reached over JSON-RPC. Every method may throw {@link RpcUnavailableException}
 * (after retries) or {@link RpcErrorException}.
 */
public interface Chain {

    /**
     * Connects to {@code rpc} and checks that it serves {@code expectedChainId}.
     *
     * @throws InvalidTreasuryInputException when the node reports another chain id
     */
    static Chain connect(URI rpc, long expectedChainId) {
        Chain chain = JsonRpcChain.open(rpc);
        long actual = chain.chainId();
        if (actual != expectedChainId) {
            throw new InvalidTreasuryInputException(
                    "the RPC at " + rpc + " serves chain id " + actual + ", not the configured " + expectedChainId
                            + "; check the RPC URL and chain id in your configuration");
        }
        return chain;
    }

    URI rpc();

    long chainId();

    long blockNumber();

    /** Balance in wei. */
    BigInteger balance(Address address);

    /** The holder's balance of an asset: the native coin, or an ERC-20 via {@code balanceOf}. */
    default Amount balanceOf(Asset asset, Address holder) {
        BigInteger units = asset.isNative()
                ? balance(holder)
                : dev.cyberia.treasury.internal.Erc20.balanceOf(
                        this, asset.token().orElseThrow(), holder);
        return Amount.ofBaseUnits(asset, units);
    }

    /**
     * The holder's balance as of the chain's head, for looking, not for deciding a payment: read
     * once per head block (the head itself at most once a second), so a thousand idle agents
     * observing an unchanged chain make one {@code eth_blockNumber} a second between them.
     */
    default Amount observedBalanceOf(Asset asset, Address holder) {
        return balanceOf(asset, holder);
    }

    /** The next nonce: counting pending transactions, or only mined ones. */
    BigInteger nonce(Address address, boolean includingPending);

    /** {@code eth_call} at the latest block; the raw return data. */
    byte[] call(Address to, byte[] data);

    BigInteger estimateGas(Address from, Address to, BigInteger value, byte[] data);

    /** Fees for a transaction mined soon: tip from the node, max fee = 2 × base fee + tip. */
    Fees suggestFees();

    /** Broadcasts a signed transaction; returns its hash. */
    String sendRawTransaction(byte[] raw);

    Optional<Receipt> receipt(String transactionHash);

    /**
     * The transactions that emitted a log of {@code contract} with these topics (null matches
     * any) from {@code fromBlock} on, oldest first, with their blocks.
     */
    java.util.List<Logged> logs(Address contract, java.util.List<String> topics, long fromBlock);

    /** A log's transaction and block, and what it says: its topics and its data (hex). */
    record Logged(String transactionHash, long blockNumber, java.util.List<String> topics, String data) {
        public Logged {
            topics = java.util.List.copyOf(topics);
        }

        public Logged(String transactionHash, long blockNumber) {
            this(transactionHash, blockNumber, java.util.List.of(), "0x");
        }
    }

    /** Whether the node knows the transaction at all (pending or mined). */
    boolean knows(String transactionHash);
}
