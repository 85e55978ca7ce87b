package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Keystore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
