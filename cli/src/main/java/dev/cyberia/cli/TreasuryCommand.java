package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.KeyInfo;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PaymentRequest;
import dev.cyberia.treasury.PaymentState;
import dev.cyberia.treasury.SpendPolicy;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "treasury",
        description =
                "A key's wallet: balances, exactly-once payments, the double-entry ledger, the spend policy and approvals.",
        subcommands = {
            TreasuryCommand.Balance.class,
            TreasuryCommand.Send.class,
            TreasuryCommand.Ledger.class,
            TreasuryCommand.Reconcile.class,
            TreasuryCommand.Channels.class,
            TreasuryCommand.Policy.class,
            TreasuryCommand.Approvals.class
        })
final class TreasuryCommand extends CommandGroup {
    /** A subcommand that works on one key's treasury. */
    abstract static class OnTreasury extends Subcommand {
        @Mixin
        ChainOptions chainOptions;

        /** A payment that waits for approval, or bad input naming why not. */
        Payment findWaiting(long id) {
            try (TreasuryDatabase db = root().openDatabase()) {
                Payment p = db.payment(id)
                        .orElseThrow(() ->
                                new CliInputException("no payment #" + id + "; see 'cyberia treasury approvals list'"));
                if (!(p.state() instanceof PaymentState.AwaitingApproval)) {
                    throw new CliInputException(
                            "payment #" + id + " is " + p.state().name() + ", not waiting for approval");
                }
                return p;
            }
        }

        /** The stored key that holds {@code address}. */
        KeyInfo keyOf(Address address) {
            return keystore().list().keys().stream()
                    .filter(k -> k.address().equals(address))
                    .findFirst()
                    .orElseThrow(() -> new CliInputException(
                            "no stored key holds " + address + "; import it with 'cyberia keys import'"));
        }

        /** Prints a payment and gives the exit code its state calls for. */
        int report(Payment p) {
            print(paymentJson(p), paymentText(p));
            return exitCode(p);
        }

        <T> T withTreasury(Address wallet, Function<Treasury, T> work) {
            return withTreasury(wallet, Treasury.Options.DEFAULT, work);
        }

        <T> T withTreasury(Address wallet, Treasury.Options options, Function<Treasury, T> work) {
            ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
            try (TreasuryDatabase db = root().openDatabase()) {
                return work.apply(Treasury.open(
                        db, chain.chain(), chain.token(), wallet, environment().clock(), options));
            }
        }
    }

    static ObjectNode paymentJson(Payment p) {
        ObjectNode n = Json.object();
        n.put("id", p.id());
        n.put("idempotencyKey", p.idempotencyKey());
        n.put("from", p.payer().toString());
        n.put("to", p.payee().toString());
        n.put("amount", p.amount().units());
        n.put("asset", p.amount().asset().symbol());
        n.put("purpose", p.purpose());
        n.put("state", p.state().name());
        switch (p.state()) {
            case PaymentState.Confirmed c -> {
                n.put("transactionHash", c.transactionHash());
                n.put("blockNumber", c.blockNumber());
                n.put("gasFee", Amount.ofBaseUnits(Asset.ether(), c.gasFeeWei()).units());
            }
            case PaymentState.Signed s -> n.put("transactionHash", s.transactionHash());
            case PaymentState.Broadcast b -> n.put("transactionHash", b.transactionHash());
            case PaymentState.Failed f -> {
                n.put("reason", f.reason());
                n.put("transactionHash", f.transactionHashOrNull());
            }
            case PaymentState.Denied d -> n.put("reason", d.reason());
            case PaymentState.AwaitingApproval a -> n.put("reason", a.reason());
            case PaymentState.Authorized a -> {}
            case PaymentState.Sent sent -> {}
            case PaymentState.Intended i -> {}
        }
        if (p.state() instanceof PaymentState.InFlightPurchase f) {
            n.put("authorizationNonce", f.authorizationNonce());
            n.put("validBefore", f.validBefore().toString());
        }
        p.resource().ifPresent(r -> n.put("resource", r));
        return n;
    }

    static String paymentText(Payment p) {
        String head = "payment #" + p.id() + ": " + p.amount() + " to " + p.payee() + " (" + p.purpose() + ", key "
                + p.idempotencyKey()
                + p.resource().map(r -> ", x402 purchase from " + r).orElse("") + ")";
        String state = switch (p.state()) {
            case PaymentState.Confirmed c ->
                "confirmed in block " + c.blockNumber() + ", tx " + c.transactionHash() + ", gas "
                        + Amount.ofBaseUnits(Asset.ether(), c.gasFeeWei());
            case PaymentState.Broadcast b ->
                "sent, not yet mined (tx " + b.transactionHash() + "); 'cyberia treasury reconcile' finishes it";
            case PaymentState.Signed s ->
                "signed, not yet sent (tx " + s.transactionHash() + "); 'cyberia treasury reconcile' sends it";
            case PaymentState.AwaitingApproval a ->
                "waiting for approval (" + a.reason() + "): cyberia treasury approvals approve " + p.id();
            case PaymentState.Denied d -> "denied: " + d.reason();
            case PaymentState.Failed f -> "failed: " + f.reason();
            case PaymentState.Authorized a ->
                "x402 authorization signed, not yet sent (valid until " + a.validBefore()
                        + "); a retry sends it, 'cyberia treasury reconcile' reads its fate from the chain";
            case PaymentState.Sent sent ->
                "x402 payment sent to the seller, settlement not seen yet (valid until " + sent.validBefore()
                        + "); 'cyberia treasury reconcile' books it or releases it";
            case PaymentState.Intended i -> "intended, not yet decided";
        };
        return head + System.lineSeparator() + state;
    }

    /** 0 for done or in progress, 2 for a refusal (policy, funds), 1 for a failure on chain. */
    static int exitCode(Payment p) {
        return switch (p.state()) {
            case PaymentState.Denied d -> Main.BAD_INPUT;
            case PaymentState.Failed f -> f.transactionHashOrNull() == null ? Main.BAD_INPUT : Main.FAILURE;
            default -> Main.OK;
        };
    }

    @Command(name = "balance", description = "The key's ETH and token balances on chain, and in the books.")
    static final class Balance extends OnTreasury {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Address wallet = keystore().info(name).address();
            return withTreasury(wallet, t -> {
                ObjectNode n = Json.object();
                n.put("name", name);
                n.put("address", wallet.toString());
                ArrayNode balances = n.putArray("balances");
                StringBuilder human = new StringBuilder(name + "  " + wallet);
                for (Treasury.Drift d : t.reconcileBooks()) {
                    if (!d.account().equals(d.asset().walletAccount())) {
                        continue; // channels: shown with the token, below
                    }
                    ObjectNode b = balances.addObject();
                    b.put("asset", d.asset().symbol());
                    b.put("chain", d.chain().units());
                    b.put("books", d.books().units());
                    human.append(System.lineSeparator())
                            .append(String.format(
                                    "  %-4s %s", d.asset().symbol(), d.chain().units()))
                            .append(d.none() ? "" : "  (books: " + d.books().units() + ")");
                    if (!d.asset().isNative()) {
                        Amount inChannels = t.holdings(d.asset()).minusOrZero(d.chain());
                        b.put("inChannels", inChannels.units());
                        if (!inChannels.isZero()) {
                            human.append("  (and " + inChannels.units() + " in x402 channels: 'treasury channels "
                                    + name + "')");
                        }
                    }
                }
                print(n, human.toString());
                return 0;
            });
        }
    }

    @Command(
            name = "send",
            description = "Pay from a key's wallet, exactly once per idempotency key, through the spend policy.")
    static final class Send extends OnTreasury {
        @Parameters(index = "0", paramLabel = "NAME", description = "The paying key.")
        String name;

        @Parameters(
                index = "1",
                paramLabel = "TO",
                description = "The payee: an EIP-55 address, or a stored key's name.")
        String to;

        @Parameters(index = "2", paramLabel = "AMOUNT", description = "In units of the asset, e.g. 1.25.")
        String amount;

        @Option(
                names = "--asset",
                defaultValue = "CYB",
                description = "CYB (the token) or ETH (default ${DEFAULT-VALUE}).")
        String asset;

        @Option(
                names = "--idempotency-key",
                paramLabel = "K",
                description = "Repeat a send safely: the same key never pays twice" + " (default: a new one, printed).")
        String idempotencyKey;

        @Option(
                names = "--purpose",
                defaultValue = "expenses:transfers",
                description = "Expense account to book it to (default ${DEFAULT-VALUE}).")
        String purpose;

        @Option(names = "--passphrase-file", paramLabel = "FILE")
        Path passphraseFile;

        @Option(
                names = "--max-fee-gwei",
                paramLabel = "N",
                description = "Refuse to sign if the network asks more than N gwei" + " per gas (default 500).")
        String maxFeeGwei;

        @Override
        public Integer call() {
            Address payer = keystore().info(name).address();
            Treasury.Options options = Treasury.Options.DEFAULT;
            if (maxFeeGwei != null) {
                options = options.withMaxFeePerGasCap(Amount.parse(maxFeeGwei, new Asset("GWEI", 9, Optional.empty()))
                        .baseUnits());
            }
            Address payee = to.startsWith("0x") || to.startsWith("0X")
                    ? Address.parse(to)
                    : keystore().info(to).address();
            String key = idempotencyKey != null ? idempotencyKey : "cli-" + UUID.randomUUID();
            return withTreasury(payer, options, t -> {
                PaymentRequest request =
                        new PaymentRequest(key, payee, Amount.parsePositive(amount, t.asset(asset)), purpose);
                Payment p = withSigner(name, passphraseFile, signer -> t.pay(request, signer));
                return report(p);
            });
        }
    }

    @Command(name = "ledger", description = "The key's double-entry ledger: every confirmed movement, booked twice.")
    static final class Ledger extends OnTreasury {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Address wallet = keystore().info(name).address();
            return withTreasury(wallet, t -> {
                List<LedgerEntry> entries = t.ledger();
                ObjectNode n = Json.object();
                n.put("address", wallet.toString());
                ArrayNode rows = n.putArray("entries");
                StringBuilder human = new StringBuilder(
                        String.format("%-7s %-22s %-5s %24s  %s", "POSTING", "ACCOUNT", "ASSET", "AMOUNT", "TX"));
                for (LedgerEntry e : entries) {
                    ObjectNode r = rows.addObject();
                    r.put("posting", e.postingId());
                    r.put("account", e.account());
                    r.put("asset", e.asset().symbol());
                    r.put("amount", e.units());
                    r.put("transactionHash", e.transactionHash());
                    r.put("paymentId", e.paymentId() == 0 ? null : e.paymentId());
                    r.put("memo", e.memo());
                    r.put("at", e.createdAt().toString());
                    human.append(System.lineSeparator())
                            .append(String.format(
                                    "%-7d %-22s %-5s %24s  %s",
                                    e.postingId(), e.account(), e.asset().symbol(), e.units(), e.transactionHash()));
                }
                if (entries.isEmpty()) {
                    human.append(System.lineSeparator()).append("(no entries yet)");
                }
                print(n, human.toString());
                return 0;
            });
        }
    }

    @Command(
            name = "reconcile",
            description = "Finish payments a crash or an outage left (same bytes, never re-signed), then"
                    + " compare the books with the chain.")
    static final class Reconcile extends OnTreasury {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Address wallet = keystore().info(name).address();
            return withTreasury(wallet, t -> {
                List<Payment> finished = t.reconcilePending();
                ObjectNode n = Json.object();
                ArrayNode done = n.putArray("finished");
                finished.forEach(p -> done.add(paymentJson(p)));
                ArrayNode drift = n.putArray("assets");
                StringBuilder human = new StringBuilder();
                finished.forEach(p -> human.append(paymentText(p)).append(System.lineSeparator()));
                boolean clean = true;
                for (Treasury.Drift d : t.reconcileBooks()) {
                    ObjectNode r = drift.addObject();
                    r.put("asset", d.asset().symbol());
                    r.put("account", d.account());
                    r.put("books", d.books().units());
                    r.put("chain", d.chain().units());
                    r.put("drift", d.none() ? "0" : d.difference());
                    clean &= d.none();
                    human.append(String.format(
                                    "%-4s books %s, chain %s: %s",
                                    d.account().equals(d.asset().walletAccount())
                                            ? d.asset().symbol()
                                            : d.asset().symbol() + " in x402 channels",
                                    d.books().units(),
                                    d.chain().units(),
                                    d.none()
                                            ? "in agreement"
                                            : "DRIFT " + d.difference() + " (movements the books do not know)"))
                            .append(System.lineSeparator());
                }
                n.put("inAgreement", clean);
                print(n, human.toString().stripTrailing());
                return 0;
            });
        }
    }

    @Command(
            name = "channels",
            description = "The x402 channels a key pays sellers through; --leave takes back what is still its own.")
    static final class Channels extends OnTreasury {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(
                names = "--leave",
                paramLabel = "CHANNEL_ID",
                description = "Leave a channel without the seller: asks now, takes the money back after the"
                        + " channel's delay (run it again then). The key pays the gas.")
        String leave;

        @Option(names = "--passphrase-file", paramLabel = "FILE")
        Path passphraseFile;

        @Override
        public Integer call() {
            if (leave != null && !leave.matches("0x[0-9a-fA-F]{64}")) {
                throw new CliInputException("--leave takes a channel id (0x and 64 hex digits), not '" + leave + "'");
            }
            Address wallet = keystore().info(name).address();
            return withTreasury(wallet, t -> {
                if (leave != null) {
                    Treasury.Channel c;
                    try {
                        c = withSigner(name, passphraseFile, signer -> t.leaveChannel(leave, signer));
                    } catch (dev.cyberia.treasury.InvalidTreasuryInputException e) {
                        throw new CliInputException(e.getMessage());
                    }
                    print(
                            channelJson(c),
                            c.withdrawableFrom().isPresent()
                                    ? "leaving " + c.id() + ": " + c.available() + " comes back from "
                                            + c.withdrawableFrom().get() + "; run this again then"
                                    : "left " + c.id() + "; the wallet holds "
                                            + t.balance(c.deposited().asset()));
                    return 0;
                }
                ObjectNode n = Json.object();
                ArrayNode list = n.putArray("channels");
                StringBuilder human = new StringBuilder();
                for (Treasury.Channel c : t.channels()) {
                    list.add(channelJson(c));
                    human.append(String.format(
                                    "%s seller %s: deposited %s, charged %s, still ours %s%s",
                                    c.id(),
                                    c.seller(),
                                    c.deposited(),
                                    c.charged(),
                                    c.available(),
                                    c.withdrawableFrom()
                                            .map(at -> ", leaving (from " + at + ")")
                                            .orElse("")))
                            .append(System.lineSeparator());
                }
                print(n, human.isEmpty() ? "no channels" : human.toString().stripTrailing());
                return 0;
            });
        }

        private static ObjectNode channelJson(Treasury.Channel c) {
            ObjectNode o = Json.object();
            o.put("id", c.id());
            o.put("seller", c.seller().toString());
            o.put("deposited", c.deposited().units());
            o.put("charged", c.charged().units());
            o.put("onChainBalance", c.onChainBalance().units());
            o.put("claimedBySeller", c.claimedBySeller().units());
            o.put("available", c.available().units());
            c.withdrawableFrom().ifPresent(at -> o.put("withdrawableFrom", at.toString()));
            return o;
        }
    }

    @Command(
            name = "policy",
            description = "Show (default) or set a key's spend policy: treasury policy NAME [show | set ...].",
            subcommands = {Policy.Show.class, Policy.SetPolicy.class})
    static final class Policy extends OnTreasury {
        @Parameters(index = "0", paramLabel = "NAME", description = "The key whose policy to show or set.")
        String name;

        @Override
        public Integer call() {
            return withTreasury(keystore().info(name).address(), t -> {
                print(policyJson(t.policy()), policyText(t.policy(), t.assets()));
                return 0;
            });
        }

        static ObjectNode policyJson(SpendPolicy policy) {
            try {
                return (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(policy.toJson());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static String policyText(SpendPolicy p, List<Asset> assets) {
            StringBuilder out = new StringBuilder();
            for (Asset a : assets) {
                SpendPolicy.Limits l = p.limitsFor(a.symbol());
                out.append(a.symbol())
                        .append(": per transaction ")
                        .append(show(l.perTransaction(), a))
                        .append(", per 24 h ")
                        .append(show(l.per24Hours(), a))
                        .append(", reserve floor ")
                        .append(show(l.reserveFloor(), a))
                        .append(", approval above ")
                        .append(show(l.approvalAbove(), a))
                        .append(System.lineSeparator());
            }
            out.append("allowlist: ")
                    .append(p.allowlist().isEmpty() ? "(any payee)" : p.allowlist())
                    .append(System.lineSeparator());
            out.append("denylist:  ")
                    .append(p.denylist().isEmpty() ? "(none)" : p.denylist())
                    .append(System.lineSeparator());
            out.append("channels:  ")
                    .append(
                            p.channelDeposit() == 0
                                    ? "off (every x402 purchase settles on chain, 'exact')"
                                    : "a deposit of " + p.channelDeposit()
                                            + " requests' worth per seller; each request pays by voucher");
            return out.toString();
        }

        private static String show(Optional<java.math.BigInteger> v, Asset a) {
            return v.map(x -> Amount.ofBaseUnits(a, x).toString()).orElse("no limit");
        }

        @Command(name = "show", description = "Show the spend policy.")
        static final class Show implements java.util.concurrent.Callable<Integer> {
            @picocli.CommandLine.ParentCommand
            Policy policy;

            @Override
            public Integer call() {
                return policy.call();
            }
        }

        @Command(
                name = "set",
                description = "Change limits for one asset, and the payee lists. 'none' removes a limit.")
        static final class SetPolicy extends OnTreasury {
            @picocli.CommandLine.ParentCommand
            Policy policy;

            @Option(
                    names = "--asset",
                    defaultValue = "CYB",
                    description = "Which asset the limits are for (default ${DEFAULT-VALUE}).")
            String asset;

            @Option(names = "--per-tx", paramLabel = "AMOUNT|none")
            String perTx;

            @Option(names = "--daily", paramLabel = "AMOUNT|none", description = "Cap on a rolling 24 hours.")
            String daily;

            @Option(names = "--reserve", paramLabel = "AMOUNT|none", description = "What must stay in the wallet.")
            String reserve;

            @Option(
                    names = "--approval-above",
                    paramLabel = "AMOUNT|none",
                    description = "Larger payments wait for a person.")
            String approvalAbove;

            @Option(
                    names = "--allow",
                    paramLabel = "ADDRESS",
                    description = "Add to the allowlist (then only listed payees are paid).")
            List<String> allow = List.of();

            @Option(names = "--deny", paramLabel = "ADDRESS", description = "Add to the denylist.")
            List<String> deny = List.of();

            @Option(
                    names = "--channel-deposit",
                    paramLabel = "REQUESTS",
                    description = "Fill an x402 channel with this many requests' worth; 0: never use channels.")
            Integer channelDeposit;

            @Option(names = "--clear-allowlist")
            boolean clearAllowlist;

            @Option(names = "--clear-denylist")
            boolean clearDenylist;

            @Override
            public Integer call() {
                return withTreasury(keystore().info(policy.name).address(), t -> {
                    Asset a = t.asset(asset);
                    SpendPolicy p = t.policy();
                    SpendPolicy.Limits l = p.limitsFor(a.symbol());
                    l = new SpendPolicy.Limits(
                            limit(perTx, l.perTransaction(), a),
                            limit(daily, l.per24Hours(), a),
                            limit(reserve, l.reserveFloor(), a),
                            limit(approvalAbove, l.approvalAbove(), a));
                    java.util.Set<Address> allowlist =
                            new LinkedHashSet<>(clearAllowlist ? java.util.Set.of() : p.allowlist());
                    allow.forEach(x -> allowlist.add(Address.parse(x)));
                    java.util.Set<Address> denylist =
                            new LinkedHashSet<>(clearDenylist ? java.util.Set.of() : p.denylist());
                    deny.forEach(x -> denylist.add(Address.parse(x)));
                    SpendPolicy updated =
                            p.withLimits(a.symbol(), l).withAllowlist(allowlist).withDenylist(denylist);
                    if (channelDeposit != null) {
                        updated = updated.withChannelDeposit(channelDeposit);
                    }
                    t.setPolicy(updated);
                    print(policyJson(updated), policyText(updated, t.assets()));
                    return 0;
                });
            }

            private static Optional<java.math.BigInteger> limit(
                    String text, Optional<java.math.BigInteger> current, Asset a) {
                if (text == null) {
                    return current;
                }
                return text.equalsIgnoreCase("none")
                        ? Optional.empty()
                        : Optional.of(Amount.parse(text, a).baseUnits());
            }
        }
    }

    @Command(
            name = "approvals",
            description = "Payments above a policy's approval threshold, waiting for a person.",
            subcommands = {Approvals.ListWaiting.class, Approvals.Approve.class, Approvals.Deny.class})
    static final class Approvals extends CommandGroup {
        @Command(name = "list", description = "List payments waiting for approval, of every key.")
        static final class ListWaiting extends Subcommand {
            @Override
            public Integer call() {
                try (TreasuryDatabase db = root().openDatabase()) {
                    List<Payment> waiting = db.awaitingApproval();
                    ObjectNode n = Json.object();
                    ArrayNode rows = n.putArray("waiting");
                    StringBuilder human = new StringBuilder(waiting.isEmpty() ? "no payments wait for approval" : "");
                    for (Payment p : waiting) {
                        rows.add(paymentJson(p));
                        human.append(paymentText(p)).append(System.lineSeparator());
                    }
                    print(n, human.toString().stripTrailing());
                }
                return 0;
            }
        }

        @Command(name = "approve", description = "Approve a waiting payment: it is signed with its key and sent now.")
        static final class Approve extends OnTreasury {
            @Parameters(paramLabel = "ID")
            long id;

            @Option(names = "--passphrase-file", paramLabel = "FILE")
            Path passphraseFile;

            @Override
            public Integer call() {
                Payment waiting = findWaiting(id);
                KeyInfo key = keyOf(waiting.payer());
                return withTreasury(waiting.payer(), t -> {
                    Payment p = withSigner(
                            key.name(),
                            passphraseFile,
                            signer -> t.approve(id, signer, "cli:" + System.getProperty("user.name")));
                    return report(p);
                });
            }
        }

        @Command(name = "deny", description = "Deny a waiting payment: nothing is signed.")
        static final class Deny extends OnTreasury {
            @Parameters(paramLabel = "ID")
            long id;

            @Override
            public Integer call() {
                Payment waiting = findWaiting(id);
                return withTreasury(waiting.payer(), t -> {
                    Payment p = t.deny(id, "cli:" + System.getProperty("user.name"));
                    print(paymentJson(p), paymentText(p));
                    return Main.OK; // the person's denial succeeded
                });
            }
        }
    }
}
