package dev.cyberia.treasury;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM of this test class path started to be killed (SIGKILL) at a chosen moment, for the crash tests. */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The first line of the child's output that starts with {@code prefix}; fails after 60 s or at its end. */
    static String awaitLine(Process child, String prefix) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        child.destroyForcibly();
        throw new AssertionError("the child process never reached '" + prefix + "'; it printed:\n" + seen);
    }

    /** What a crashing child does with its wallet. */
    @FunctionalInterface
    interface WalletWork {
        String run(Treasury treasury, dev.cyberia.keystore.Signer signer, Asset token) throws Exception;
    }

    /**
     * In the child: opens the wallet its first six arguments name (jdbcUrl rpcUrl tokenAddress
     * keystoreHome keyName passphrase), freezing when the journal reaches {@code stopAt}; runs
     * {@code work} and prints {@code FINISHED} with what it returns.
     */
    static void withWallet(String[] args, String stopAt, WalletWork work) throws Exception {
        Chain chain = Chain.connect(java.net.URI.create(args[1]), Devnet.CHAIN_ID);
        Asset cyb = Asset.token("CYB", 6, dev.cyberia.keystore.Address.parse(args[2]));
        try (TreasuryDatabase db = TreasuryDatabase.open(args[0]);
                dev.cyberia.keystore.Passphrase passphrase =
                        dev.cyberia.keystore.Passphrase.wrap(args[5].toCharArray());
                dev.cyberia.keystore.Signer signer = dev.cyberia.keystore.Keystore.open(java.nio.file.Path.of(args[3]))
                        .unlock(args[4], passphrase)) {
            Treasury treasury = Treasury.open(
                    db,
                    chain,
                    cyb,
                    signer.address(),
                    java.time.Clock.systemUTC(),
                    Treasury.Options.DEFAULT.withListener(freezeAt(stopAt)));
            System.out.println("FINISHED " + work.run(treasury, signer, cyb));
        }
    }

    /** In the child: a listener that says when the journal reaches {@code state}, then freezes until killed. */
    static PaymentListener freezeAt(String state) {
        return payment -> {
            if (payment.state().name().equals(state)) {
                System.out.println("REACHED " + state + " " + payment.id());
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
