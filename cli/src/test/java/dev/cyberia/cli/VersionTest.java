package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionTest {
    @TempDir
    Path tmp;

    @Test
    void version_namesTheReleaseAndTheCommitItWasBuiltFrom() {
        CliRun.Result v = new CliRun(tmp).run("--version");
        assertThat(v.exitCode()).isZero();
        assertThat(v.out().lines().findFirst().orElseThrow())
                .as("the build writes the commit: a checkout's short hash, or 'unknown' outside one")
                .matches("cyberia \\S+, commit ([0-9a-f]{12}|unknown)");
        assertThat(VersionProvider.commit()).isNotBlank();
    }
}
