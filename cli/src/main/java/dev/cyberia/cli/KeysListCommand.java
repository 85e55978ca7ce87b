package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.KeyInfo;
import dev.cyberia.keystore.Keystore;
import picocli.CommandLine.Command;

@Command(name = "list", description = "List the stored keys (no passphrase needed).")
final class KeysListCommand extends Subcommand {

    @Override
    public Integer call() {
        Keystore.Listing listing = keystore().list();
        ObjectNode json = Json.object();
        ArrayNode keys = json.putArray("keys");
        listing.keys().forEach(k -> keys.add(KeyViews.json(k)));
        ArrayNode problems = json.putArray("unreadable");
        listing.unreadable().forEach(problems::add);
        StringBuilder human = new StringBuilder();
        if (listing.keys().isEmpty()) {
            human.append("No keys in ").append(keystore().directory()).append(". Make one with: cyberia keys new NAME");
        } else {
            human.append(String.format("%-20s %-42s %-7s %s", "NAME", "ADDRESS", "KDF", "CREATED"));
            for (KeyInfo k : listing.keys()) {
                human.append(System.lineSeparator())
                        .append(String.format("%-20s %-42s %-7s %s", k.name(), k.address(), k.kdf(), k.created()));
            }
        }
        for (String problem : listing.unreadable()) {
            human.append(System.lineSeparator()).append("warning: ").append(problem);
        }
        print(json, human.toString());
        return 0;
    }
}
