package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cyberia miner serve --price 0}: a free OpenAI-compatible server, no key, no devnet, as the README shows. */
class FreeMinerCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void servesToolCallsForFree_withoutAKeyOrAChain() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.cyberia.cli.Main",
                        "miner",
                        "serve",
                        "--model",
                        Path.of("../models/tiny-chat")
                                .toAbsolutePath()
                                .normalize()
                                .toString(),
                        "--price",
                        "0",
                        "--port",
                        Integer.toString(port)))
                .redirectErrorStream(true);
        pb.environment().put("CYBERIA_HOME", home.toString());
        Process miner = pb.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(miner.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.contains("serving")) { // log lines may come first
                line = out.readLine();
            }
            assertThat(line).contains("serving tiny-chat at http://127.0.0.1:" + port + "/v1 for free");
            String ask = """
                    {"model": "tiny-chat", "messages": [{"role": "user", "content": "What is the weather in Oslo?"}],
                     "tools": [{"type": "function", "function": {"name": "get_weather",
                       "description": "Get the weather for a city.",
                       "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}""";
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(ask))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("PAYMENT-REQUIRED")).isEmpty();
            JsonNode choice = JSON.readTree(r.body()).path("choices").path(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
            JsonNode call = choice.path("message").path("tool_calls").path(0).path("function");
            assertThat(call.path("name").asText()).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.path("arguments").asText())
                            .path("city")
                            .asText())
                    .isEqualTo("Oslo");
        } finally {
            miner.destroy();
            miner.waitFor();
        }
    }

    @Test
    void aPricedMinerWithoutAKey_orABadPrice_isRefusedWithExitTwo() {
        CliRun cli = new CliRun(home);
        CliRun.Result noKey = cli.run("miner", "serve", "--model", "../models/tiny-chat", "--price", "0.01");
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.err()).contains("a priced miner needs --key NAME");
        CliRun.Result badPrice = cli.run("miner", "serve", "--model", "../models/tiny-chat", "--price", "cheap");
        assertThat(badPrice.exitCode()).isEqualTo(2);
        assertThat(badPrice.err()).contains("--price must be an amount of token units");
    }
}
