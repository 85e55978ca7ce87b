package dev.cyberia.cli;

import dev.cyberia.keystore.Kdf;
import picocli.CommandLine.Option;

/** {@code --light-kdf}: geth's light scrypt settings, for throwaway keys and tests. */
final class KdfOption {
    @Option(
            names = "--light-kdf",
            description = "Encrypt with light scrypt settings (n=4096, p=6): fast to unlock, weaker against guessing."
                    + " For throwaway keys only.")
    boolean light;

    Kdf kdf() {
        return light ? Kdf.LIGHT : Kdf.STANDARD;
    }
}
