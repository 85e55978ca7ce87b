package dev.cyberia.cli;

import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.KeyInfo;
import dev.cyberia.keystore.KeyOrigin;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "import",
        description = {
            "Store a key you already have: from a BIP-39 mnemonic, a raw private key, or a v3 keystore file.",
            "A keystore file keeps its own encryption, so its passphrase stays the key's passphrase."
        })
final class KeysImportCommand extends Subcommand {
    @Parameters(paramLabel = "NAME", description = "A name for the key: letters, digits, '-' or '_'.")
    String name;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--mnemonic-file", paramLabel = "FILE", description = "A file holding the mnemonic words.")
        Path mnemonicFile;

        @Option(
                names = "--private-key-file",
                paramLabel = "FILE",
                description = "A file holding the private key as 64 hex digits.")
        Path privateKeyFile;

        @Option(
                names = "--keystore-file",
                paramLabel = "FILE",
                description = "A Web3 Secret Storage v3 file (geth, ethers, MetaMask).")
        Path keystoreFile;
    }

    @Option(
            names = "--index",
            paramLabel = "N",
            description = "With --mnemonic-file: account index in m/44'/60'/0'/0/N (default 0).")
    Integer index;

    @Option(
            names = "--path",
            paramLabel = "PATH",
            description = "With --mnemonic-file: a full derivation path instead, e.g. m/44'/60'/1'/0/0.")
    String path;

    @Option(
            names = "--bip39-passphrase-file",
            paramLabel = "FILE",
            description = "With --mnemonic-file: the optional BIP-39 passphrase (\"25th word\"), first line of FILE.")
    Path bip39PassphraseFile;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "The passphrase to encrypt the key with (for --keystore-file: the file's own passphrase).")
    Path passphraseFile;

    @Mixin
    KdfOption kdfOption;

    @Override
    public Integer call() {
        if (source.mnemonicFile == null && (index != null || path != null || bip39PassphraseFile != null)) {
            throw new CliInputException("--index, --path and --bip39-passphrase-file go with --mnemonic-file only");
        }
        if (index != null && path != null) {
            throw new CliInputException("give --index or --path, not both");
        }
        Keystore keystore = keystore();
        keystore.requireNewName(name);
        KeyInfo key;
        if (source.keystoreFile != null) {
            try (Passphrase passphrase = Passphrases.existing(
                    passphraseFile, environment(), "Passphrase of " + source.keystoreFile.getFileName() + ": ")) {
                key = keystore.importKeystoreFile(name, source.keystoreFile, passphrase);
            }
        } else if (source.privateKeyFile != null) {
            byte[] privateKey = readPrivateKey(source.privateKeyFile);
            try (Passphrase passphrase =
                    Passphrases.forNewKey(passphraseFile, environment(), "Passphrase for '" + name + "': ")) {
                key = keystore.importPrivateKey(name, privateKey, passphrase, kdfOption.kdf());
            } finally {
                Arrays.fill(privateKey, (byte) 0);
            }
        } else {
            DerivationPath derivation =
                    path != null ? DerivationPath.parse(path) : DerivationPath.ethereum(index == null ? 0 : index);
            char[] words = Passphrases.readSecretFile(source.mnemonicFile, "mnemonic file");
            try (Mnemonic mnemonic = Mnemonic.parse(words);
                    Passphrase bip39 = bip39PassphraseFile == null
                            ? Passphrase.empty()
                            : Passphrase.wrap(Passphrases.firstLine(
                                    Passphrases.readSecretFile(bip39PassphraseFile, "BIP-39 passphrase file")));
                    Passphrase passphrase =
                            Passphrases.forNewKey(passphraseFile, environment(), "Passphrase for '" + name + "': ")) {
                key = keystore.importMnemonic(
                        name, mnemonic, bip39, derivation, passphrase, kdfOption.kdf(), KeyOrigin.MNEMONIC);
            } finally {
                Arrays.fill(words, '\0');
            }
        }
        print(KeyViews.json(key), "Imported key '" + name + "'" + System.lineSeparator() + KeyViews.human(key));
        return 0;
    }

    /** 64 hex digits, 0x optional, surrounding whitespace ignored. The caller wipes the result. */
    private static byte[] readPrivateKey(Path file) {
        char[] text = Passphrases.readSecretFile(file, "private key file");
        try {
            int start = 0;
            int end = text.length;
            while (start < end && Character.isWhitespace(text[start])) {
                start++;
            }
            while (end > start && Character.isWhitespace(text[end - 1])) {
                end--;
            }
            if (end - start >= 2 && text[start] == '0' && (text[start + 1] == 'x' || text[start + 1] == 'X')) {
                start += 2;
            }
            if (end - start != 64) {
                throw new CliInputException("private key file " + file + " must hold one private key as 64 hex digits");
            }
            byte[] key = new byte[32];
            for (int i = 0; i < 32; i++) {
                int hi = Character.digit(text[start + 2 * i], 16);
                int lo = Character.digit(text[start + 2 * i + 1], 16);
                if (hi < 0 || lo < 0) {
                    Arrays.fill(key, (byte) 0);
                    throw new CliInputException(
                            "private key file " + file + " must hold one private key as 64 hex digits");
                }
                key[i] = (byte) ((hi << 4) | lo);
            }
            return key;
        } finally {
            Arrays.fill(text, '\0');
        }
    }
}
