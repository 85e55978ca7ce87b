package dev.cyberia.bench;

import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.SCrypt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Milliseconds to unlock a key at geth's standard scrypt settings (n=262144, r=8, p=1): slow by
 * design. Compared with Bouncy Castle's scrypt alone, since the keystore runs its own RFC 7914
 * implementation; and the BIP-39 seed (PBKDF2, 2048 rounds) for reference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
@Threads(1)
public class KeystoreUnlockBenchmark {
    private Path home;
    private Keystore keystore;
    private final byte[] salt = new byte[32];

    @Setup
    public void setUp() throws IOException {
        home = Files.createTempDirectory("cyberia-bench");
        keystore = Keystore.open(home);
        try (Passphrase p = Passphrase.wrap("bench-pass".toCharArray())) {
            keystore.importPrivateKey(
                    "standard", HexFormat.of().parseHex(SignatureBenchmark.PRIVATE_KEY), p, Kdf.STANDARD);
        }
        new SecureRandom().nextBytes(salt);
    }

    @TearDown
    public void tearDown() throws IOException {
        Folders.delete(home);
    }

    @Benchmark
    public Object unlockStandardScrypt() {
        try (Passphrase p = Passphrase.wrap("bench-pass".toCharArray());
                Signer signer = keystore.unlock("standard", p)) {
            return signer.address();
        }
    }

    @Benchmark
    public byte[] bouncyCastleScryptStandard() {
        return SCrypt.generate("bench-pass".getBytes(StandardCharsets.UTF_8), salt, 262144, 8, 1, 32);
    }

    @Benchmark
    public byte[] bip39Seed() {
        try (Mnemonic m = Mnemonic.parse("test test test test test test test test test test test junk".toCharArray())) {
            return m.seed(Passphrase.empty());
        }
    }
}
