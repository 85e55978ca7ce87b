package dev.cyberia.cli;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Network;
import dev.cyberia.treasury.TokenDomain;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * Which chain and token: {@code --network} (a preset: Base, Base Sepolia, with their USDC) and
 * {@code --rpc/--chain-id/--token}, else {@code CYBERIA_NETWORK}, {@code CYBERIA_RPC_URL},
 * {@code CYBERIA_CHAIN_ID}, {@code CYBERIA_TOKEN}, else the local devnet recorded in the home; the
 * market registry likewise from {@code --registry}, {@code CYBERIA_REGISTRY} or the devnet. A token
 * is an address, or {@code USDC} (the network's, or the devnet's after {@code devnet up --usdc}) or
 * {@code CYB} (the devnet's).
 */
final class ChainOptions {
    @Option(
            names = "--network",
            paramLabel = "NAME",
            description = "A known chain: base or base-sepolia (chain id and USDC preset; give its --rpc).")
    String network;

    @Option(names = "--rpc", paramLabel = "URL", description = "JSON-RPC endpoint (default: the local devnet).")
    URI rpc;

    @Option(names = "--chain-id", paramLabel = "N", description = "The chain id the endpoint must serve.")
    Long chainId;

    @Option(
            names = "--token",
            paramLabel = "ADDRESS|USDC|CYB",
            description = "The EIP-3009 token to keep books in (default: the network's USDC, else the devnet's CYB).")
    String token;

    @Option(
            names = "--token-domain",
            paramLabel = "NAME:VERSION",
            description = "The token's EIP-712 name and version, for a token that publishes neither"
                    + " eip712Domain() nor version().")
    String tokenDomain;

    @Option(
            names = "--registry",
            paramLabel = "ADDRESS",
            description = "The market Registry contract (default: CYBERIA_REGISTRY, else the devnet's).")
    String registry;

    /**
     * @param market the market registry, when one is configured or the devnet has one
     * @param declaredDomain the token's EIP-712 domain as the user gave it ({@code NAME:VERSION})
     */
    record Resolved(
            Chain chain,
            Asset token,
            java.util.Optional<MarketRegistry> market,
            java.util.Optional<String> declaredDomain,
            java.util.Optional<dev.cyberia.treasury.TrustRegistries> trust) {
        Resolved(
                Chain chain,
                Asset token,
                java.util.Optional<MarketRegistry> market,
                java.util.Optional<dev.cyberia.treasury.TrustRegistries> trust) {
            this(chain, token, market, java.util.Optional.empty(), trust);
        }

        /** The wallet's treasury on this chain, keeping books in this token, in {@code db}. */
        dev.cyberia.treasury.Treasury treasury(
                dev.cyberia.treasury.TreasuryDatabase db, Address wallet, java.time.Clock clock) {
            return dev.cyberia.treasury.Treasury.open(
                    db, chain, token, wallet, clock, dev.cyberia.treasury.Treasury.Options.DEFAULT);
        }

        /** The token's EIP-712 domain: as declared, else as the token publishes it. */
        TokenDomain domain() {
            Address contract = token.token().orElseThrow();
            return declaredDomain
                    .map(d -> TokenDomain.declared(chain, contract, d))
                    .orElseGet(() -> TokenDomain.readFrom(chain, contract));
        }

        MarketRegistry requireMarket() {
            return market.orElseThrow(() -> new CliInputException("no market registry configured: pass --registry"
                    + " or set CYBERIA_REGISTRY (the devnet deploys one on 'cyberia devnet up')"));
        }
    }

    Resolved resolve(Environment env, java.nio.file.Path home) {
        String networkName = network != null ? network : env.variable("CYBERIA_NETWORK");
        Network preset = networkName == null ? null : Network.named(networkName);
        URI rpcUrl = rpc != null
                ? rpc
                : env.variable("CYBERIA_RPC_URL") == null ? null : URI.create(env.variable("CYBERIA_RPC_URL"));
        Long id = chainId != null
                ? chainId
                : env.variable("CYBERIA_CHAIN_ID") == null ? null : parseId(env.variable("CYBERIA_CHAIN_ID"));
        String tokenText = token != null ? token : env.variable("CYBERIA_TOKEN");
        String registryText = registry != null ? registry : env.variable("CYBERIA_REGISTRY");
        String domainText = tokenDomain != null ? tokenDomain : env.variable("CYBERIA_TOKEN_DOMAIN");
        String trustText = env.variable("CYBERIA_TRUST_REGISTRIES");
        if (preset != null) {
            if (rpcUrl == null) {
                throw new CliInputException("--network " + preset.name() + " needs --rpc URL (a JSON-RPC endpoint of"
                        + " chain " + preset.chainId() + ")");
            }
            if (id != null && id != preset.chainId()) {
                throw new CliInputException("--network " + preset.name() + " is chain " + preset.chainId()
                        + ", not the --chain-id " + id + " given");
            }
            id = preset.chainId();
            if (tokenText == null || tokenText.equalsIgnoreCase("USDC")) {
                tokenText = preset.usdc().toString();
            }
        }
        if (rpcUrl == null) {
            Devnet devnet = Devnet.at(home);
            DevnetInfo info = devnet.recorded()
                    .filter(i -> devnet.isRunning())
                    .orElseThrow(() -> new CliInputException("no chain configured and the devnet is not running: run"
                            + " 'cyberia devnet up', or pass --network and --rpc, or --rpc, --chain-id and --token"));
            rpcUrl = info.rpcUrl();
            id = id == null ? info.chainId() : id;
            if (tokenText == null || tokenText.equalsIgnoreCase("CYB")) {
                tokenText = info.token().toString();
            } else if (tokenText.equalsIgnoreCase("USDC")) {
                tokenText = java.util.Optional.ofNullable(info.usdc())
                        .orElseThrow(() -> new CliInputException(
                                "the devnet has no USDC: run 'cyberia devnet up --usdc' to deploy Circle's USDC"))
                        .toString();
            }
            if (registryText == null && info.registry() != null) {
                registryText = info.registry().toString();
            }
            if (trustText == null && info.trust() != null) {
                trustText = info.trust().identity() + "," + info.trust().reputation() + ","
                        + info.trust().validation();
            }
        }
        if (id == null || tokenText == null) {
            throw new CliInputException("with --rpc, also give --chain-id and --token (or CYBERIA_CHAIN_ID and"
                    + " CYBERIA_TOKEN), or name a --network");
        }
        if (!tokenText.trim().startsWith("0x")) {
            throw new CliInputException("--token is a 0x address, or USDC or CYB where the network or devnet has"
                    + " one; got '" + tokenText + "'");
        }
        Chain chain = Chain.connect(rpcUrl, id);
        java.util.Optional<MarketRegistry> market = java.util.Optional.ofNullable(registryText)
                .map(r -> new MarketRegistry(chain, Address.parse(r.trim())));
        return new Resolved(
                chain,
                Asset.readFrom(chain, Address.parse(tokenText.trim())),
                market,
                java.util.Optional.ofNullable(domainText),
                java.util.Optional.ofNullable(trustText)
                        .map(t -> new dev.cyberia.treasury.TrustRegistries(chain, trust(t))));
    }

    /** {@code CYBERIA_TRUST_REGISTRIES}: the ERC-8004 identity, reputation and validation registries, in that order. */
    private static dev.cyberia.treasury.TrustRegistries.Addresses trust(String text) {
        String[] parts = text.split(",");
        try {
            if (parts.length != 3) {
                throw new IllegalArgumentException("three addresses");
            }
            return new dev.cyberia.treasury.TrustRegistries.Addresses(
                    Address.parse(parts[0].trim()), Address.parse(parts[1].trim()), Address.parse(parts[2].trim()));
        } catch (RuntimeException e) {
            throw new CliInputException("CYBERIA_TRUST_REGISTRIES is the ERC-8004 identity, reputation and validation"
                    + " registries' addresses, comma-separated; got '" + text + "'");
        }
    }

    private static long parseId(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new CliInputException("CYBERIA_CHAIN_ID '" + text + "' is not a number");
        }
    }
}
