package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cyberia miner serve --price 0}: a free OpenAI-compatible server, no key, no devnet, as the README shows. */
class FreeMinerCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void servesToolCallsForFree_withoutAKeyOrAChain() throws Exception {
        try (MinerProcess miner = MinerProcess.start(Map.of("CYBERIA_HOME", home.toString()), "--price", "0")) {
            int port = miner.port;
            assertThat(miner.banner).contains("serving tiny-chat at http://127.0.0.1:" + port + "/v1 for free");
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
