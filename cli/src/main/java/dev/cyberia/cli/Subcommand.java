package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A leaf command: reaches the global options, the environment, and prints through picocli's writers. */
abstract class Subcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    CyberiaCommand root() {
        return (CyberiaCommand) spec.root().userObject();
    }

    Environment environment() {
        return root().environment;
    }

    Keystore keystore() {
        return Keystore.open(
                root().home(), environment().random(), environment().clock());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return root().json;
    }

    /** Unlocks key {@code name}, runs {@code use} with its signer, and wipes key and passphrase after. */
    <T> T withSigner(String name, Path passphraseFile, Function<Signer, T> use) {
        try (Passphrase passphrase =
                        Passphrases.existing(passphraseFile, environment(), "Passphrase for '" + name + "': ");
                Signer signer = keystore().unlock(name, passphrase)) {
            return use.apply(signer);
        }
    }

    /** Prints {@code document} as JSON when --json is on, otherwise the human lines. */
    void print(ObjectNode document, String humanText) {
        if (json()) {
            out().println(Json.write(document));
        } else {
            out().println(humanText);
        }
        out().flush();
    }
}
