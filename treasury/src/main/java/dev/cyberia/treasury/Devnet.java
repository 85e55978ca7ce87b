package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.internal.Abi;
import dev.cyberia.treasury.internal.Anvil;
import dev.cyberia.treasury.internal.Erc20;
import dev.cyberia.treasury.internal.JsonRpc;
import dev.cyberia.treasury.internal.JsonRpcChain;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local development chain: anvil on 127.0.0.1, its state persisted in {@code HOME/devnet},
 * ComputeToken and the market Registry deployed on first start by anvil's first development
 * account (the faucet).
 */
public final class Devnet {
    public static final long CHAIN_ID = 31337;
    public static final int DEFAULT_PORT = 8545;
    private static final String FAUCET = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    /** Anvil's tenth development account: the USDC proxy's admin, which may not call the token itself. */
    private static final String USDC_PROXY_ADMIN = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

    private final Path dir;

    private Devnet(Path dir) {
        this.dir = dir;
    }

    public static Devnet at(Path home) {
        return new Devnet(home.resolve("devnet"));
    }

    public Path directory() {
        return dir;
    }

    /** The recorded devnet, running or not. */
    public Optional<DevnetInfo> recorded() {
        Path file = dir.resolve("devnet.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JsonRpc.JSON.readTree(file.toFile());
            List<Address> funded = new ArrayList<>();
            n.path("funded").forEach(a -> funded.add(Address.parse(a.asText())));
            return Optional.of(new DevnetInfo(
                    n.get("chainId").asLong(),
                    URI.create(n.get("rpcUrl").asText()),
                    n.get("port").asInt(),
                    n.hasNonNull("token") ? Address.parse(n.get("token").asText()) : null,
                    n.hasNonNull("registry") ? Address.parse(n.get("registry").asText()) : null,
                    n.hasNonNull("usdc") ? Address.parse(n.get("usdc").asText()) : null,
                    Address.parse(n.get("faucet").asText()),
                    n.path("pid").asLong(-1),
                    funded,
                    n.path("trust").hasNonNull("identity")
                            ? new TrustRegistries.Addresses(
                                    Address.parse(
                                            n.path("trust").get("identity").asText()),
                                    Address.parse(
                                            n.path("trust").get("reputation").asText()),
                                    Address.parse(
                                            n.path("trust").get("validation").asText()))
                            : null));
        } catch (IOException | RuntimeException e) {
            throw new TreasuryException("devnet record " + file + " is unreadable (" + e.getMessage()
                    + "); 'cyberia devnet reset' starts afresh");
        }
    }

    /** Whether the recorded anvil process is alive and answering. */
    public boolean isRunning() {
        Optional<DevnetInfo> info = recorded();
        if (info.isEmpty() || info.get().pid() <= 0) {
            return false;
        }
        boolean alive =
                ProcessHandle.of(info.get().pid()).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            return false;
        }
        try {
            return JsonRpcChain.open(info.get().rpcUrl()).client().call("eth_chainId") != null;
        } catch (TreasuryException e) {
            return false;
        }
    }

    /**
     * Starts the devnet if it is not running (a second call is a no-op) and deploys ComputeToken
     * on first start. {@code anvilInstallDir} is where the pinned anvil is installed if none is on PATH.
     */
    public DevnetInfo up(int port) {
        return up(port, false);
    }

    /**
     * {@link #up(int)}, and with {@code usdc} also Circle's USDC (FiatTokenV2_2 behind
     * FiatTokenProxy, as Circle deploys it: "USD Coin", symbol USDC, 6 decimals, EIP-712 version 2),
     * unless the devnet has it already. The faucet is its owner and master minter.
     */
    public DevnetInfo up(int port, boolean usdc) {
        DevnetInfo info = isRunning() ? recorded().orElseThrow() : start(port);
        if (usdc && (info.usdc() == null || !hasCode(JsonRpcChain.open(info.rpcUrl()), info.usdc()))) {
            info = info.withUsdc(deployUsdc(JsonRpcChain.open(info.rpcUrl())));
            write(info);
        }
        return info;
    }

    private DevnetInfo start(int port) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidTreasuryInputException("cannot create " + dir + ": " + e.getMessage());
        }
        Path binary = Anvil.onPath()
                .or(() -> Anvil.installedAt(dir.resolve("anvil")))
                .or(() -> Anvil.installedAt(Path.of(System.getProperty("user.home"), ".cyberia", "devnet", "anvil")))
                .orElseGet(() -> Anvil.ensureInstalled(dir.resolve("anvil")));
        Optional<DevnetInfo> previous = recorded();
        int chosenPort = previous.map(DevnetInfo::port).orElse(port);
        Process process =
                Anvil.start(binary, chosenPort, CHAIN_ID, dir.resolve("state.json"), dir.resolve("anvil.log"), true);
        URI rpc = URI.create("http://127.0.0.1:" + chosenPort);
        JsonRpcChain chain = JsonRpcChain.open(rpc);
        Address token = previous.map(DevnetInfo::token)
                .filter(t -> hasCode(chain, t))
                .orElseGet(() -> deploy(chain, "ComputeToken"));
        // a registry from an older build (other code) is replaced; its offers are republished on start
        Address registry = previous.map(DevnetInfo::registry)
                .filter(r -> chain.client()
                        .call("eth_getCode", r.toString(), "latest")
                        .asText()
                        .equalsIgnoreCase(Erc20.deployedBytecode("Registry")))
                .orElseGet(() -> deploy(chain, "Registry"));
        placeChannelContracts(chain);
        TrustRegistries.Addresses trust = previous.map(DevnetInfo::trust)
                .filter(t -> chain.client()
                        .call("eth_getCode", t.identity().toString(), "latest")
                        .asText()
                        .equalsIgnoreCase(Erc20.deployedBytecode("IdentityRegistry")))
                .orElseGet(() -> deployTrust(chain));
        DevnetInfo info = new DevnetInfo(
                CHAIN_ID,
                rpc,
                chosenPort,
                token,
                registry,
                previous.map(DevnetInfo::usdc).filter(u -> hasCode(chain, u)).orElse(null),
                Address.parse(FAUCET),
                process.pid(),
                previous.map(DevnetInfo::funded).orElse(List.of()),
                trust);
        write(info);
        return info;
    }

    /** Stops anvil, which writes its state for the next {@link #up}. No-op when not running. */
    public void down() {
        Optional<DevnetInfo> info = recorded();
        if (info.isEmpty() || info.get().pid() <= 0) {
            return;
        }
        ProcessHandle.of(info.get().pid()).ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
        write(info.get().withPid(-1));
    }

    /** Stops the devnet and forgets its chain: the next {@link #up} starts from block 0. */
    public DevnetInfo reset(int port) {
        down();
        try {
            Files.deleteIfExists(dir.resolve("state.json"));
            Files.deleteIfExists(dir.resolve("devnet.json"));
        } catch (IOException e) {
            throw new TreasuryException("cannot delete the devnet state in " + dir + ": " + e.getMessage(), e);
        }
        return up(port);
    }

    /** One faucet transfer: what was sent and the transaction that sent it. */
    public record Funding(String symbol, BigInteger baseUnits, String transactionHash) {}

    /** Sends {@code wei} ETH and mints {@code tokens} base units of ComputeToken to {@code to}, from the faucet. */
    public List<Funding> fund(Address to, BigInteger wei, BigInteger tokens) {
        return fund(to, wei, tokens, BigInteger.ZERO);
    }

    /**
     * {@link #fund(Address, BigInteger, BigInteger)}, and mints {@code usdc} base units of the
     * devnet's USDC.
     *
     * @throws InvalidTreasuryInputException for USDC on a devnet without it
     */
    public List<Funding> fund(Address to, BigInteger wei, BigInteger tokens, BigInteger usdc) {
        DevnetInfo info = recorded()
                .filter(i -> isRunning())
                .orElseThrow(() -> new InvalidTreasuryInputException(
                        "the devnet is not running; start it with 'cyberia devnet up'"));
        if (usdc.signum() > 0 && info.usdc() == null) {
            throw new InvalidTreasuryInputException(
                    "the devnet has no USDC: run 'cyberia devnet up --usdc' to deploy Circle's USDC");
        }
        JsonRpcChain chain = JsonRpcChain.open(info.rpcUrl());
        List<Funding> done = new ArrayList<>();
        if (wei.signum() > 0) {
            JsonNode r = sendFromFaucet(chain, to, wei, new byte[0]);
            done.add(new Funding("ETH", wei, r.get("transactionHash").asText()));
        }
        if (tokens.signum() > 0) {
            JsonNode r = sendFromFaucet(chain, info.token(), BigInteger.ZERO, Erc20.mintData(to, tokens));
            done.add(new Funding("CYB", tokens, r.get("transactionHash").asText()));
        }
        if (usdc.signum() > 0) {
            JsonNode r = sendFromFaucet(chain, info.usdc(), BigInteger.ZERO, Erc20.mintData(to, usdc));
            done.add(new Funding("USDC", usdc, r.get("transactionHash").asText()));
        }
        if (!info.funded().contains(to)) {
            List<Address> funded = new ArrayList<>(info.funded());
            funded.add(to);
            write(info.withFunded(funded));
        }
        return done;
    }

    /**
     * Deploys USDC the way Circle's deployment script does: the SignatureChecker library, the
     * FiatTokenV2_2 implementation linked to it, a FiatTokenProxy owned by a separate admin account
     * (a proxy's admin cannot call the token), then the four initializers through the proxy, and the
     * faucet made a minter without limit.
     */
    private static Address deployUsdc(JsonRpcChain chain) {
        Address faucet = Address.parse(FAUCET);
        Address library = deploy(chain, "SignatureChecker");
        JsonNode implementation = sendFrom(
                chain,
                faucet,
                null,
                BigInteger.ZERO,
                Erc20.bytecode("FiatTokenV2_2", Map.of("SignatureChecker", library)));
        Address logic = Address.parse(implementation.get("contractAddress").asText());
        byte[] proxyCode = Erc20.bytecode("FiatTokenProxy");
        byte[] constructorArgument = Arrays.copyOfRange(Abi.call("f(address)", logic), 4, 36);
        byte[] creation = Arrays.copyOf(proxyCode, proxyCode.length + 32);
        System.arraycopy(constructorArgument, 0, creation, proxyCode.length, 32);
        Address proxy = Address.parse(sendFrom(chain, Address.parse(USDC_PROXY_ADMIN), null, BigInteger.ZERO, creation)
                .get("contractAddress")
                .asText());
        sendFromFaucet(
                chain,
                proxy,
                BigInteger.ZERO,
                Abi.call(
                        "initialize(string,string,string,uint8,address,address,address,address)",
                        "USD Coin",
                        "USDC",
                        "USD",
                        6,
                        faucet,
                        faucet,
                        faucet,
                        faucet));
        sendFromFaucet(chain, proxy, BigInteger.ZERO, Abi.call("initializeV2(string)", "USD Coin"));
        sendFromFaucet(chain, proxy, BigInteger.ZERO, Abi.call("initializeV2_1(address)", faucet));
        sendFromFaucet(
                chain, proxy, BigInteger.ZERO, Abi.call("initializeV2_2(address[],string)", new Address[0], "USDC"));
        sendFromFaucet(
                chain,
                proxy,
                BigInteger.ZERO,
                Abi.call(
                        "configureMinter(address,uint256)",
                        faucet,
                        BigInteger.TWO.pow(256).subtract(BigInteger.ONE)));
        return proxy;
    }

    /**
     * Puts the x402 {@code batch-settlement} contracts (ours, written from the scheme's spec) where
     * the scheme's clients look for them, as on a real chain: each is deployed, then its code is
     * copied to the scheme's address ({@code anvil_setCode}). A devnet that has them keeps them.
     */
    static void placeChannelContracts(JsonRpcChain chain) {
        if (BatchSettlement.deployedOn(chain)) {
            return;
        }
        place(chain, deploy(chain, "X402BatchSettlement"), BatchSettlement.SETTLEMENT);
        byte[] collector = Erc20.bytecode("ERC3009DepositCollector");
        byte[] withSettlement = java.util.Arrays.copyOf(collector, collector.length + 32);
        System.arraycopy(BatchSettlement.SETTLEMENT.toBytes(), 0, withSettlement, collector.length + 12, 20);
        Address deployed = Address.parse(sendFromFaucet(chain, null, BigInteger.ZERO, withSettlement)
                .get("contractAddress")
                .asText());
        place(chain, deployed, BatchSettlement.ERC3009_COLLECTOR);
        if (!hasCode(chain, BatchSettlement.MULTICALL3)) {
            place(chain, deploy(chain, "Multicall3"), BatchSettlement.MULTICALL3);
        }
    }

    private static void place(JsonRpcChain chain, Address deployed, Address at) {
        String code = chain.client()
                .call("eth_getCode", deployed.toString(), "latest")
                .asText();
        chain.client().call("anvil_setCode", at.toString(), code);
    }

    private static boolean hasCode(JsonRpcChain chain, Address address) {
        String code =
                chain.client().call("eth_getCode", address.toString(), "latest").asText();
        return code.length() > 2;
    }

    /** The ERC-8004 registries: identities, then reputation and validation, which read them. */
    private static TrustRegistries.Addresses deployTrust(JsonRpcChain chain) {
        Address identity = deploy(chain, "IdentityRegistry");
        return new TrustRegistries.Addresses(
                identity, deploy(chain, "ReputationRegistry", identity), deploy(chain, "ValidationRegistry", identity));
    }

    /** Deploys a contract whose constructor takes one address. */
    private static Address deploy(JsonRpcChain chain, String contract, Address argument) {
        byte[] code = Erc20.bytecode(contract);
        byte[] args = dev.cyberia.treasury.internal.Abi.encode(List.of(argument));
        byte[] data = java.util.Arrays.copyOf(code, code.length + args.length);
        System.arraycopy(args, 0, data, code.length, args.length);
        JsonNode receipt = sendFromFaucet(chain, null, BigInteger.ZERO, data);
        return Address.parse(receipt.get("contractAddress").asText());
    }

    private static Address deploy(JsonRpcChain chain, String contract) {
        JsonNode receipt = sendFromFaucet(chain, null, BigInteger.ZERO, Erc20.bytecode(contract));
        return Address.parse(receipt.get("contractAddress").asText());
    }

    private static JsonNode sendFromFaucet(JsonRpcChain chain, Address to, BigInteger value, byte[] data) {
        return sendFrom(chain, Address.parse(FAUCET), to, value, data);
    }

    /** A transaction from an unlocked anvil development account, waited for until mined. */
    private static JsonNode sendFrom(JsonRpcChain chain, Address from, Address to, BigInteger value, byte[] data) {
        Map<String, String> tx = new LinkedHashMap<>();
        tx.put("from", from.toString());
        if (to != null) {
            tx.put("to", to.toString());
        }
        tx.put("value", "0x" + value.toString(16));
        tx.put("data", Abi.hex(data));
        String hash = chain.client().call("eth_sendTransaction", tx).asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode receipt = chain.client().call("eth_getTransactionReceipt", hash);
            if (receipt != null && !receipt.isNull()) {
                if (!"0x1".equals(receipt.path("status").asText())) {
                    throw new TreasuryException("devnet faucet transaction " + hash + " reverted");
                }
                return receipt;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TreasuryException("interrupted waiting for " + hash);
            }
        }
        throw new TreasuryException("devnet faucet transaction " + hash + " was not mined within 30 s");
    }

    private void write(DevnetInfo info) {
        ObjectNode n = JsonRpc.JSON.createObjectNode();
        n.put("chainId", info.chainId());
        n.put("rpcUrl", info.rpcUrl().toString());
        n.put("port", info.port());
        n.put("token", info.token() == null ? null : info.token().toString());
        n.put("registry", info.registry() == null ? null : info.registry().toString());
        n.put("usdc", info.usdc() == null ? null : info.usdc().toString());
        n.put("faucet", info.faucet().toString());
        n.put("pid", info.pid());
        ArrayNode funded = n.putArray("funded");
        info.funded().forEach(a -> funded.add(a.toString()));
        if (info.trust() != null) {
            ObjectNode trust = n.putObject("trust");
            trust.put("identity", info.trust().identity().toString());
            trust.put("reputation", info.trust().reputation().toString());
            trust.put("validation", info.trust().validation().toString());
        }
        try {
            Path temp = dir.resolve("devnet.json.tmp");
            Files.writeString(temp, n.toPrettyString());
            Files.move(
                    temp,
                    dir.resolve("devnet.json"),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TreasuryException("cannot write " + dir.resolve("devnet.json") + ": " + e.getMessage(), e);
        }
    }
}
