package dev.cyberia.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "keys",
        description = "Make, import, list and use the keys that agents hold (Web3 Secret Storage v3 files).",
        subcommands = {
            KeysNewCommand.class,
            KeysImportCommand.class,
            KeysListCommand.class,
            KeysShowCommand.class,
            KeysSignCommand.class,
            KeysSignTypedCommand.class
        })
final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
