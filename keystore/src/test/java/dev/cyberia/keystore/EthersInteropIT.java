package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keystore files that Cyberia writes are decrypted by ethers (Node), another implementation.
 * Installs the pinned ethers from the npm registry on first run (package-lock.json).
 */
class EthersInteropIT {
    private static final Path ETHERS = Path.of("src/test/ethers").toAbsolutePath();

    @TempDir
    Path home;

    @BeforeAll
    static void installEthers() throws Exception {
        if (!Files.isDirectory(ETHERS.resolve("node_modules/ethers"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
    }

    @Test
    void ethersDecryptsOurFiles_atStandardAndLightSettings_withAUnicodePassphrase() throws Exception {
        Keystore keystore = Keystore.open(home);
        String passphrase = "pässwörd ✓ agent";
        try (Mnemonic dev =
                Mnemonic.parse("test test test test test test test test test test test junk".toCharArray())) {
            KeyInfo standard = keystore.importMnemonic(
                    "standard",
                    dev,
                    Passphrase.empty(),
                    DerivationPath.ethereum(0),
                    Passphrase.wrap(passphrase.toCharArray()),
                    Kdf.STANDARD,
                    KeyOrigin.MNEMONIC);
            KeyInfo light = keystore.importMnemonic(
                    "light",
                    dev,
                    Passphrase.empty(),
                    DerivationPath.ethereum(1),
                    Passphrase.wrap(passphrase.toCharArray()),
                    Kdf.LIGHT,
                    KeyOrigin.MNEMONIC);
            Path passphraseFile = home.resolve("passphrase.txt");
            Files.writeString(passphraseFile, passphrase + "\n", StandardCharsets.UTF_8);
            for (KeyInfo key : List.of(standard, light)) {
                String address = run(
                        List.of(
                                "node",
                                ETHERS.resolve("decrypt.mjs").toString(),
                                key.file().toString(),
                                passphraseFile.toString()),
                        120);
                assertThat(address.strip()).isEqualTo(key.address().toString());
            }
        }
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(ETHERS.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "this test needs Node.js 20+ and npm on PATH (" + command.get(0) + " not found)", e);
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}
