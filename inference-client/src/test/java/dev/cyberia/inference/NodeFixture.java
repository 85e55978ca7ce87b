package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An npm fixture under {@code interop/}, installed from its lock file ({@code npm ci}) when missing. */
final class NodeFixture {
    private NodeFixture() {}

    static Path installed(String name, String marker) throws IOException, InterruptedException {
        Path fixture = Path.of("..", "interop", name).toAbsolutePath().normalize();
        if (!Files.isDirectory(fixture.resolve("node_modules").resolve(marker))) {
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(fixture.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            fixture.resolve("npm-ci.log").toFile()))
                    .start();
            assertThat(install.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(install.exitValue())
                    .as("npm ci in %s (see npm-ci.log)", fixture)
                    .isZero();
        }
        return fixture;
    }
}
