package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aBadInterval_orTolerance_isRefused_exitCode2_beforeAnythingStarts() {
        CliRun cli = new CliRun(tmp);
        String home = tmp.resolve("home").toString();
        CliRun.Result soon =
                cli.run("--home", home, "validator", "serve", "--key", "v", "--model", "m", "--every", "soon");
        assertThat(soon.exitCode()).isEqualTo(2);
        assertThat(soon.err()).contains("--every 'soon'").hasLineCount(1);
        CliRun.Result loose =
                cli.run("--home", home, "validator", "serve", "--key", "v", "--model", "m", "--tolerance", "2");
        assertThat(loose.exitCode()).isEqualTo(2);
        assertThat(loose.err()).contains("--tolerance").hasLineCount(1);
    }

    @Test
    void aMinerAppealingToNoAddress_isRefused_exitCode2_beforeAnythingStarts() {
        CliRun cli = new CliRun(tmp);
        String home = tmp.resolve("home").toString();
        CliRun.Result bad = cli.run(
                "--home",
                home,
                "miner",
                "serve",
                "--model",
                "m",
                "--key",
                "k",
                "--price",
                "0.01",
                "--appeal-to",
                "the-validator");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("--appeal-to needs the validator's wallet address")
                .hasLineCount(1);
        CliRun.Result soon = cli.run(
                "--home",
                home,
                "miner",
                "serve",
                "--model",
                "m",
                "--key",
                "k",
                "--price",
                "0.01",
                "--appeal-to",
                "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                "--appeal-every",
                "soon");
        assertThat(soon.exitCode()).isEqualTo(2);
        assertThat(soon.err()).contains("--appeal-every 'soon'").hasLineCount(1);
    }
}
