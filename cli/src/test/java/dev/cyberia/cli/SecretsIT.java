package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest and in flight, as a user's processes leave them: the CLI run as a separate
 * process with {@code CYBERIA_PASSPHRASE} set makes a key, brings up the devnet and funds the key.
 * Then the passphrase is in no child process's environment (anvil's, read from /proc), in no file
 * under the home, and in nothing the commands printed — raw, hex or base64; the key file is 0600.
 */
class SecretsIT {
    private static final String PASSPHRASE = "Pass-phrase-that-must-not-leak-42";

    record Run(int exit, String output) {}

    private static Run cyberia(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.cyberia.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CYBERIA_HOME", home.toString());
        pb.environment().put("CYBERIA_PASSPHRASE", PASSPHRASE);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void thePassphrase_isInNoChildProcess_noFile_andNoOutput() throws Exception {
        Path home = Files.createTempDirectory("cyberia-secrets");
        List<String> printed = new ArrayList<>();
        Path mnemonic = Files.createTempDirectory("cyberia-secrets-out").resolve("alice.mnemonic");
        Run key = cyberia(home, "--json", "keys", "new", "alice", "--mnemonic-out", mnemonic.toString());
        assertThat(key.exit()).as(key.output()).isZero();
        printed.add(key.output());
        int port; // a free port: another devnet on this machine may hold the default 8545
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Run up = cyberia(home, "devnet", "up", "--port", Integer.toString(port));
        assertThat(up.exit()).as(up.output()).isZero();
        printed.add(up.output());
        try {
            long pid = new ObjectMapper()
                    .readTree(home.resolve("devnet/devnet.json").toFile())
                    .path("pid")
                    .asLong();
            byte[] environ = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
            String env = new String(environ, StandardCharsets.UTF_8);
            assertThat(env).as("anvil's environment").contains("PATH=").doesNotContain("CYBERIA_PASSPHRASE");
            assertThat(env).doesNotContain(PASSPHRASE);
            Run fund = cyberia(home, "devnet", "fund", "alice");
            assertThat(fund.exit()).as(fund.output()).isZero();
            printed.add(fund.output());
            Run balance = cyberia(home, "treasury", "balance", "alice");
            printed.add(balance.output());
        } finally {
            Run down = cyberia(home, "devnet", "down");
            printed.add(down.output());
        }
        List<String> forms = List.of(
                PASSPHRASE,
                HexFormat.of().formatHex(PASSPHRASE.getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(PASSPHRASE.getBytes(StandardCharsets.UTF_8)));
        for (String out : printed) {
            for (String form : forms) {
                assertThat(out).doesNotContain(form);
            }
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(home)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).as("the home has files to scan").hasSizeGreaterThan(2);
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            String latin = new String(bytes, StandardCharsets.ISO_8859_1);
            for (String form : forms) {
                assertThat(latin).as("%s holds the passphrase", f).doesNotContain(form);
            }
        }
        Path keyFile;
        try (Stream<Path> keys = Files.list(home.resolve("keys"))) {
            keyFile = keys.filter(p -> p.getFileName().toString().contains("alice"))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(Files.getPosixFilePermissions(keyFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
}
