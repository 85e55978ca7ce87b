package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The committed ComputeToken artifact is what the pinned solc makes of contracts/src. */
class ContractArtifactsIT {
    private static final Path CONTRACTS =
            Path.of("../contracts").toAbsolutePath().normalize();

    @Test
    void committedArtifacts_matchTheSources() throws Exception {
        if (!Files.isDirectory(CONTRACTS.resolve("node_modules/solc"))) {
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")).exitCode)
                    .isZero();
        }
        Result check = run(List.of("node", "compile.mjs", "--check"));
        assertThat(check.output).contains("artifacts match the sources");
        assertThat(check.exitCode).isZero();
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(CONTRACTS.toFile())
                .redirectErrorStream(true)
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " timed out");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
