package dev.cyberia.cli;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.MarketRegistry;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * Which chain and token: {@code --rpc/--chain-id/--token}, else {@code CYBERIA_RPC_URL},
 * {@code CYBERIA_CHAIN_ID}, {@code CYBERIA_TOKEN}, else the local devnet recorded in the home; the
 * market registry likewise from {@code --registry}, {@code CYBERIA_REGISTRY} or the devnet.
 */
final class ChainOptions {
    @Option(names = "--rpc", paramLabel = "URL", description = "JSON-RPC endpoint (default: the local devnet).")
    URI rpc;

    @Option(names = "--chain-id", paramLabel = "N", description = "The chain id the endpoint must serve.")
    Long chainId;

    @Option(
            names = "--token",
            paramLabel = "ADDRESS",
            description = "The EIP-3009 token to keep books in (default: the devnet's CYB).")
    String token;

    @Option(
            names = "--registry",
            paramLabel = "ADDRESS",
            description = "The market Registry contract (default: CYBERIA_REGISTRY, else the devnet's).")
    String registry;

    /** @param market the market registry, when one is configured or the devnet has one */
    record Resolved(Chain chain, Asset token, java.util.Optional<MarketRegistry> market) {
        /** The wallet's treasury on this chain, keeping books in this token, in {@code db}. */
        dev.cyberia.treasury.Treasury treasury(
                dev.cyberia.treasury.TreasuryDatabase db, Address wallet, java.time.Clock clock) {
            return dev.cyberia.treasury.Treasury.open(
                    db, chain, token, wallet, clock, dev.cyberia.treasury.Treasury.Options.DEFAULT);
        }

        MarketRegistry requireMarket() {
            return market.orElseThrow(() -> new CliInputException("no market registry configured: pass --registry"
                    + " or set CYBERIA_REGISTRY (the devnet deploys one on 'cyberia devnet up')"));
        }
    }

    Resolved resolve(Environment env, java.nio.file.Path home) {
        URI rpcUrl = rpc != null
                ? rpc
                : env.variable("CYBERIA_RPC_URL") == null ? null : URI.create(env.variable("CYBERIA_RPC_URL"));
        Long id = chainId != null
                ? chainId
                : env.variable("CYBERIA_CHAIN_ID") == null ? null : parseId(env.variable("CYBERIA_CHAIN_ID"));
        String tokenText = token != null ? token : env.variable("CYBERIA_TOKEN");
        String registryText = registry != null ? registry : env.variable("CYBERIA_REGISTRY");
        if (rpcUrl == null) {
            Devnet devnet = Devnet.at(home);
            DevnetInfo info = devnet.recorded()
                    .filter(i -> devnet.isRunning())
                    .orElseThrow(() -> new CliInputException("no chain configured and the devnet is not running: run"
                            + " 'cyberia devnet up', or pass --rpc, --chain-id and --token"));
            rpcUrl = info.rpcUrl();
            id = id == null ? info.chainId() : id;
            tokenText = tokenText == null ? info.token().toString() : tokenText;
            if (registryText == null && info.registry() != null) {
                registryText = info.registry().toString();
            }
        }
        if (id == null || tokenText == null) {
            throw new CliInputException(
                    "with --rpc, also give --chain-id and --token (or CYBERIA_CHAIN_ID and CYBERIA_TOKEN)");
        }
        Chain chain = Chain.connect(rpcUrl, id);
        java.util.Optional<MarketRegistry> market = java.util.Optional.ofNullable(registryText)
                .map(r -> new MarketRegistry(chain, Address.parse(r.trim())));
        return new Resolved(chain, Asset.readFrom(chain, Address.parse(tokenText)), market);
    }

    private static long parseId(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new CliInputException("CYBERIA_CHAIN_ID '" + text + "' is not a number");
        }
    }
}
