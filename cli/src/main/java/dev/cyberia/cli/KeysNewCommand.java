package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.KeyInfo;
import dev.cyberia.keystore.KeyOrigin;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "new",
        description = {
            "Make a new key from a new BIP-39 mnemonic (account m/44'/60'/0'/0/0) and store it encrypted.",
            "The mnemonic is shown once, on the terminal only, or written to --mnemonic-out (0600)."
        })
final class KeysNewCommand extends Subcommand {
    @Parameters(paramLabel = "NAME", description = "A name for the key: letters, digits, '-' or '_'.")
    String name;

    @Option(
            names = "--words",
            paramLabel = "12|24",
            defaultValue = "12",
            description = "Mnemonic length (default: ${DEFAULT-VALUE}).")
    int words;

    @Option(
            names = "--mnemonic-out",
            paramLabel = "FILE",
            description = "Write the mnemonic to this new file (0600) instead of showing it. Never overwrites.")
    Path mnemonicOut;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "Read the new key's passphrase from this file's first line.")
    Path passphraseFile;

    @Mixin
    KdfOption kdfOption;

    @Override
    public Integer call() {
        if (words != 12 && words != 24) {
            throw new CliInputException("--words must be 12 or 24, not " + words);
        }
        Keystore keystore = keystore();
        keystore.requireNewName(name);
        Terminal terminal = environment().terminal();
        if (mnemonicOut != null) {
            if (Files.exists(mnemonicOut)) {
                throw new CliInputException(
                        "--mnemonic-out " + mnemonicOut + " exists already; it is never overwritten");
            }
            if (mnemonicOut.toAbsolutePath().getParent() == null
                    || !Files.isDirectory(mnemonicOut.toAbsolutePath().getParent())) {
                throw new CliInputException("--mnemonic-out " + mnemonicOut + ": its folder does not exist");
            }
        } else if (!terminal.isInteractive()) {
            throw new CliInputException("no terminal to show the new mnemonic on: use --mnemonic-out FILE to write it"
                    + " to a file only you can read");
        }
        KeyInfo key;
        try (Passphrase passphrase =
                        Passphrases.forNewKey(passphraseFile, environment(), "Passphrase for '" + name + "': ");
                Mnemonic mnemonic = Mnemonic.generate(words, environment().random())) {
            if (mnemonicOut != null) {
                mnemonic.writeNewFile(mnemonicOut);
            }
            try {
                key = keystore.importMnemonic(
                        name,
                        mnemonic,
                        Passphrase.empty(),
                        DerivationPath.ethereum(0),
                        passphrase,
                        kdfOption.kdf(),
                        KeyOrigin.GENERATED);
            } catch (RuntimeException e) {
                deleteQuietly(mnemonicOut);
                throw e;
            }
            if (mnemonicOut == null) {
                char[] phrase = mnemonic.phrase();
                try {
                    terminal.show(System.lineSeparator()
                            + "Recovery phrase for '" + name + "' (shown once; write it down and keep it offline):"
                            + System.lineSeparator() + System.lineSeparator() + "    " + new String(phrase)
                            + System.lineSeparator());
                } finally {
                    Arrays.fill(phrase, '\0');
                }
            }
        }
        ObjectNode json = KeyViews.json(key);
        json.put(
                "mnemonicFile",
                mnemonicOut == null ? null : mnemonicOut.toAbsolutePath().toString());
        print(
                json,
                "Created key '" + name + "'" + System.lineSeparator() + KeyViews.human(key)
                        + (mnemonicOut == null
                                ? ""
                                : System.lineSeparator() + "mnemonic written to " + mnemonicOut.toAbsolutePath()));
        return 0;
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the key was not stored, so the phrase file protects nothing
        }
    }
}
