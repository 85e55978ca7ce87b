package dev.cyberia.cli;

import picocli.CommandLine.Command;

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
final class KeysCommand extends CommandGroup {}
