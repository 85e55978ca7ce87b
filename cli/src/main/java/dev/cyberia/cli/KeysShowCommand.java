package dev.cyberia.cli;

import dev.cyberia.keystore.KeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show a key's address, file, kdf and creation time (no passphrase needed).")
final class KeysShowCommand extends Subcommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        KeyInfo key = keystore().info(name);
        print(KeyViews.json(key), KeyViews.human(key));
        return 0;
    }
}
