package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aShopOnEveryInterface_needsTheUrlOthersReachItAt_exitCode2_beforeAnythingStarts() {
        CliRun cli = new CliRun(tmp);
        CliRun.Result r = cli.run("--home", tmp.resolve("home").toString(), "node", "start", "--shop-bind", "0.0.0.0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--shop-url http://HOST:PORT").hasLineCount(1);
        assertThat(Files.exists(tmp.resolve("home").resolve("cyberia.mv.db"))).isFalse();
    }

    @Test
    void aShopUrlThatIsNotHttp_isRefused_exitCode2() {
        CliRun cli = new CliRun(tmp);
        CliRun.Result r =
                cli.run("--home", tmp.resolve("home").toString(), "node", "start", "--shop-url", "ftp://example.org/");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("--shop-url is an http(s)://HOST[:PORT] URL")
                .hasLineCount(1);
    }
}
