package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferCommandTest {
    private static final Path TINY =
            Path.of("../models/tiny-chat").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void infer_withALocalModel_printsTheAnswerTokensProviderAndPrice() throws IOException {
        CliRun cli = new CliRun(tmp);
        CliRun.Result r = cli.run("--json", "infer", "ping", "--model", TINY.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode out = new ObjectMapper().readTree(r.out());
        assertThat(out.get("answer").asText()).isEqualTo("pong");
        assertThat(out.get("completionTokens").asInt()).isEqualTo(4); // byte-level: p, o, n, g
        assertThat(out.get("provider").asText()).startsWith("local:");
        assertThat(out.get("pricePaid").asText()).isEqualTo("0");
    }

    @Test
    void infer_withAFolderMissingAFile_namesTheFile_exitCode2() throws IOException {
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        for (String f : new String[] {"model.onnx", "config.json", "tokenizer_config.json"}) {
            Files.copy(TINY.resolve(f), broken.resolve(f));
        }
        CliRun.Result r = new CliRun(tmp).run("infer", "ping", "--model", broken.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: model folder " + broken + " is missing tokenizer.json");
    }
}
