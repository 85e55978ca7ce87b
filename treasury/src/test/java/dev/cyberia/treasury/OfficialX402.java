package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official x402 v2 TypeScript stack pinned in {@code interop/x402} (installed with {@code npm
 * ci} on first use): its scripts run as processes on 127.0.0.1 and announce themselves with one
 * {@code LISTENING <url>} line.
 */
final class OfficialX402 implements AutoCloseable {
    private static final Path FIXTURE =
            Path.of("..", "interop", "x402").toAbsolutePath().normalize();

    private final Process process;
    private final URI url;

    private OfficialX402(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** Runs {@code node script args...} there and waits for its {@code LISTENING} line. */
    static OfficialX402 start(String script, String... args) throws IOException, InterruptedException {
        install();
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(FIXTURE.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        Files.createTempFile("x402-" + script, ".log").toFile()))
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("%s starts", script).isNotNull().startsWith("LISTENING ");
        return new OfficialX402(
                process, URI.create(line.substring("LISTENING ".length()).trim()));
    }

    URI url() {
        return url;
    }

    private static synchronized void install() throws IOException, InterruptedException {
        if (Files.isDirectory(FIXTURE.resolve("node_modules/@x402/express"))) {
            return;
        }
        Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(FIXTURE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        FIXTURE.resolve("npm-ci.log").toFile()))
                .start();
        assertThat(install.waitFor(5, TimeUnit.MINUTES)).as("npm ci finishes").isTrue();
        assertThat(install.exitValue())
                .as("npm ci in %s (see npm-ci.log)", FIXTURE)
                .isZero();
    }

    @Override
    public void close() {
        process.destroy();
    }
}
