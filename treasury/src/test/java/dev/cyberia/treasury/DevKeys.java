package dev.cyberia.treasury;

import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.KeyOrigin;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;

/** The devnet's funded development accounts as keys of a test keystore. */
public final class DevKeys {
    private static final String DEV_MNEMONIC = "test test test test test test test test test test test junk";

    private DevKeys() {}

    /** Imports development account {@code index} under {@code name} (light KDF, passphrase "pw") and unlocks it. */
    public static Signer unlock(Keystore keystore, String name, int index) {
        try (Mnemonic dev = Mnemonic.parse(DEV_MNEMONIC.toCharArray())) {
            keystore.importMnemonic(
                    name,
                    dev,
                    Passphrase.empty(),
                    DerivationPath.ethereum(index),
                    Passphrase.wrap("pw".toCharArray()),
                    Kdf.LIGHT,
                    KeyOrigin.MNEMONIC);
        }
        return keystore.unlock(name, Passphrase.wrap("pw".toCharArray()));
    }
}
