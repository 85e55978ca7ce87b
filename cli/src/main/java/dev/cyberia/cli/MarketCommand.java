package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "market",
        description = "The on-chain market registry: miners' inference offers and agents' skill offers.",
        subcommands = {MarketCommand.ListOffers.class, MarketCommand.Withdraw.class})
final class MarketCommand extends CommandGroup {

    @Command(name = "list", description = "The offers in the registry, cheapest first within each kind.")
    static final class ListOffers extends Subcommand {
        @Option(names = "--kind", paramLabel = "inference|skill", description = "Only offers of this kind.")
        String kind;

        @Option(names = "--all", description = "Include withdrawn offers.")
        boolean all;

        @Mixin
        ChainOptions chainOptions;

        @Override
        public Integer call() {
            Offer.Kind only = kind == null ? null : parseKind(kind);
            ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
            MarketRegistry market = chain.requireMarket();
            List<Offer> listed = (all ? market.all() : market.active())
                    .stream()
                            .filter(o -> only == null || o.kind() == only)
                            .sorted(java.util.Comparator.comparing(Offer::kind)
                                    .thenComparing(Offer::price)
                                    .thenComparing(Offer::id))
                            .toList();
            // with the ERC-8004 registries: each seller's reputation, and prices weighed by it as buyers weigh them
            java.util.Map<dev.cyberia.keystore.Address, String> reputations = new java.util.HashMap<>();
            List<Offer> offers = listed;
            if (chain.trust().isPresent()) {
                dev.cyberia.treasury.TrustRegistries trust = chain.trust().get();
                offers = new java.util.ArrayList<>();
                for (Offer.Kind k : Offer.Kind.values()) {
                    offers.addAll(trust.ranked(
                            listed.stream().filter(o -> o.kind() == k).toList()));
                }
                for (Offer o : offers) {
                    reputations.computeIfAbsent(
                            o.offerer(),
                            seller -> trust.agentOf(seller)
                                    .map(i -> "#" + i.agentId() + " " + trust.reputation(i.agentId())
                                            + trust.validations(i.agentId(), "").described())
                                    .orElse("no identity"));
                }
            }
            ObjectNode n = Json.object();
            n.put("registry", market.address().toString());
            ArrayNode rows = n.putArray("offers");
            StringBuilder human = new StringBuilder(String.format(
                    "%-4s %-9s %-24s %12s  %-42s  %s", "ID", "KIND", "NAME", "PRICE", "OFFERER", "ENDPOINT"));
            for (Offer o : offers) {
                String price = price(o, chain.token());
                ObjectNode r = rows.addObject();
                r.put("id", o.id());
                r.put("kind", o.kind().name().toLowerCase(Locale.ROOT));
                r.put("name", o.name());
                r.put("endpoint", o.endpoint().toString());
                r.put("price", price);
                r.put("priceBaseUnits", o.price().toString());
                r.put("asset", o.asset().toString());
                r.put("offerer", o.offerer().toString());
                r.put("active", o.active());
                r.put("updatedAt", o.updatedAt().toString());
                if (reputations.containsKey(o.offerer())) {
                    r.put("reputation", reputations.get(o.offerer()));
                }
                com.fasterxml.jackson.databind.node.ArrayNode schemes = r.putArray("schemes");
                o.schemes().stream().sorted(java.util.Comparator.reverseOrder()).forEach(schemes::add);
                human.append(System.lineSeparator())
                        .append(String.format(
                                "%-4d %-9s %-24s %12s  %-42s  %s  %s%s",
                                o.id(),
                                o.kind().name().toLowerCase(Locale.ROOT),
                                o.name(),
                                price,
                                o.offerer(),
                                o.endpoint(),
                                o.takesChannels() ? "exact, channel" : "exact",
                                (o.active() ? "" : "  (withdrawn)")
                                        + (reputations.containsKey(o.offerer())
                                                ? "  reputation " + reputations.get(o.offerer())
                                                : "")));
            }
            if (offers.isEmpty()) {
                human.append(System.lineSeparator())
                        .append("(no offers yet: 'cyberia miner serve' and 'cyberia node start' publish theirs)");
            }
            print(n, human.toString());
            return 0;
        }

        private static String price(Offer o, Asset token) {
            return token.token().map(o.asset()::equals).orElse(false)
                    ? o.priceIn(token).toString()
                    : o.price() + " units of " + o.asset();
        }
    }

    @Command(name = "withdraw", description = "Withdraw one of your own offers (the key must be its offerer).")
    static final class Withdraw extends Subcommand {
        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--key", required = true, paramLabel = "NAME", description = "The offerer's key.")
        String key;

        @Option(names = "--passphrase-file", paramLabel = "FILE")
        Path passphraseFile;

        @Mixin
        ChainOptions chainOptions;

        @Override
        public Integer call() {
            ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
            MarketRegistry market = chain.requireMarket();
            if (id < 0) {
                throw new CliInputException("an offer id is 0 or more, not " + id);
            }
            return withSigner(key, passphraseFile, signer -> {
                try (TreasuryDatabase db = root().openDatabase()) {
                    Treasury wallet =
                            chain.treasury(db, signer.address(), environment().clock());
                    if (id >= market.all().size()) {
                        throw new CliInputException("there is no offer #" + id + "; 'cyberia market list' shows them");
                    }
                    market.withdraw(id, wallet, signer);
                    ObjectNode n = Json.object();
                    n.put("withdrawn", id);
                    print(n, "offer #" + id + " withdrawn");
                    return 0;
                }
            });
        }
    }

    static Offer.Kind parseKind(String text) {
        try {
            return Offer.Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliInputException("--kind is inference or skill, not '" + text + "'");
        }
    }
}
