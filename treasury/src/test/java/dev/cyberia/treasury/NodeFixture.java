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
 * An npm fixture under {@code interop/} (the official x402 stack, the official {@code openai}
 * client), installed from its lock file ({@code npm ci}) when missing; its servers run as
 * processes on 127.0.0.1 and announce themselves with one {@code LISTENING <url>} line.
 */
public final class NodeFixture implements AutoCloseable {
    private final Process process;
    private final URI url;

    private NodeFixture(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** {@code interop/<name>}, with its packages installed. */
    public static synchronized Path installed(String name) throws IOException, InterruptedException {
        Path fixture = Path.of("..", "interop", name).toAbsolutePath().normalize();
        if (!Files.exists(fixture.resolve("node_modules/.package-lock.json"))) {
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(fixture.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            fixture.resolve("npm-ci.log").toFile()))
                    .start();
            assertThat(install.waitFor(5, TimeUnit.MINUTES))
                    .as("npm ci finishes")
                    .isTrue();
            assertThat(install.exitValue())
                    .as("npm ci in %s (see npm-ci.log)", fixture)
                    .isZero();
        }
        return fixture;
    }

    /** Runs {@code node script args...} in {@code interop/<name>} and waits for its {@code LISTENING} line. */
    public static NodeFixture start(String name, String script, String... args)
            throws IOException, InterruptedException {
        Path fixture = installed(name);
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(fixture.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        Files.createTempFile(name + "-" + script, ".log").toFile()))
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("%s starts", script).isNotNull().startsWith("LISTENING ");
        return new NodeFixture(
                process, URI.create(line.substring("LISTENING ".length()).trim()));
    }

    public URI url() {
        return url;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
