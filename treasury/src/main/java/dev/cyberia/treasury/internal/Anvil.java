package dev.cyberia.treasury.internal;

import dev.cyberia.treasury.TreasuryException;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds, installs (from the npm registry, pinned) and starts anvil, on 127.0.0.1 only. */
public final class Anvil {
    public static final String NPM_PACKAGE = "@foundry-rs/anvil-linux-amd64";
    public static final String VERSION = "1.7.1";

    /** The anvil development accounts' mnemonic: anvil funds and unlocks these accounts. */
    public static final String DEV_MNEMONIC = "test test test test test test test test test test test junk";

    private Anvil() {}

    /** An anvil on PATH, if any. */
    public static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "anvil");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The pinned anvil already installed under {@code installDir}, if it is there (a devnet of
     * another home has it: tests and test kits use it instead of asking npm again).
     */
    public static Optional<Path> installedAt(Path installDir) {
        Path binary = installDir.resolve("node_modules").resolve(NPM_PACKAGE).resolve("bin/anvil");
        return Files.isExecutable(binary) ? Optional.of(binary) : Optional.empty();
    }

    /** The pinned anvil under {@code installDir}, installed with npm on first use. */
    public static Path ensureInstalled(Path installDir) {
        Path binary = installDir.resolve("node_modules").resolve(NPM_PACKAGE).resolve("bin/anvil");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new TreasuryException("the pinned anvil package is for linux x86_64; on " + os + "/" + arch
                    + " install foundry's anvil yourself and put it on PATH");
        }
        try {
            Files.createDirectories(installDir);
            run(
                    List.of(
                            "npm",
                            "install",
                            "--prefix",
                            installDir.toString(),
                            "--no-audit",
                            "--no-fund",
                            "--no-save",
                            "--loglevel=error",
                            NPM_PACKAGE + "@" + VERSION),
                    installDir,
                    Duration.ofMinutes(5));
        } catch (IOException e) {
            throw new TreasuryException(
                    "cannot install anvil with npm (is Node.js/npm installed and the npm registry" + " reachable?): "
                            + e.getMessage(),
                    e);
        }
        if (!Files.isExecutable(binary)) {
            throw new TreasuryException("npm installed " + NPM_PACKAGE + " but " + binary + " is missing");
        }
        return binary;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new TreasuryException("no free loopback port: " + e.getMessage(), e);
        }
    }

    /**
     * Starts anvil and waits until it answers. With {@code stateFile}, the chain is loaded from and
     * dumped to it on a clean stop. With {@code detached}, anvil outlives this JVM.
     */
    public static Process start(Path binary, int port, long chainId, Path stateFile, Path logFile, boolean detached) {
        List<String> command = new ArrayList<>();
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of(
                binary.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--chain-id",
                Long.toString(chainId),
                "--mnemonic",
                DEV_MNEMONIC));
        if (stateFile != null) {
            command.addAll(List.of("--state", stateFile.toString()));
        }
        ProcessBuilder builder = withoutSecrets(
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
        if (logFile != null) {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        } else {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new TreasuryException("cannot start anvil (" + binary + "): " + e.getMessage(), e);
        }
        JsonRpc probe = new JsonRpc(URI.create("http://127.0.0.1:" + port), JsonRpc.Sleeper.REAL, 1, Duration.ZERO);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new TreasuryException("anvil exited at start with code " + process.exitValue()
                        + (logFile == null ? "" : "; see " + logFile));
            }
            try {
                probe.call("eth_chainId");
                return process;
            } catch (TreasuryException notYet) {
                sleepQuietly(100);
            }
        }
        process.destroyForcibly();
        throw new TreasuryException("anvil did not answer on port " + port + " within 30 s");
    }

    /** Variables that carry secrets, which no child process (anvil, npm) is given. */
    public static final List<String> SECRET_VARIABLES = List.of("CYBERIA_PASSPHRASE");

    /** The builder, with the secret-carrying variables taken out of what the child inherits. */
    public static ProcessBuilder withoutSecrets(ProcessBuilder builder) {
        SECRET_VARIABLES.forEach(builder.environment()::remove);
        return builder;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(List<String> command, Path dir, Duration timeout) throws IOException {
        Process process = withoutSecrets(new ProcessBuilder(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output.strip());
        }
    }
}
