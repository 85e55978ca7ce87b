package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A free miner ({@code --price 0}) is a plain OpenAI-compatible server: independent clients, the
 * official {@code openai} npm package and LangChain4j's OpenAI model, use the tiny model with tools,
 * tool calls and streaming, without any x402.
 */
class FreeMinerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static LocalModel model;
    static MinerServer miner;

    @BeforeAll
    static void start() {
        model = LocalModel.open(LocalModelTest.TINY);
        miner = MinerServer.startFree(MinerServer.Config.free(0), ChatBackend.local(model));
    }

    @AfterAll
    static void stop() {
        miner.close();
        model.close();
    }

    @Test
    void theOfficialOpenAiClient_getsToolCalls_streamedOrNot_andPlainAnswers() throws Exception {
        Path fixture = dev.cyberia.treasury.NodeFixture.installed("openai");
        Process run = new ProcessBuilder(
                        "node", "tools.mjs", "--base-url", miner.baseUri() + "/v1", "--model", "tiny-chat")
                .directory(fixture.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(out).isZero();
        JsonNode seen = JSON.readTree(out);

        assertThat(seen.path("models").toString()).isEqualTo("[\"tiny-chat\"]");
        JsonNode call = seen.path("call");
        assertThat(call.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(call.path("tool_calls").path(0).path("type").asText()).isEqualTo("function");
        assertThat(call.path("tool_calls").path(0).path("function").path("name").asText())
                .isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("tool_calls")
                                .path(0)
                                .path("function")
                                .path("arguments")
                                .asText())
                        .path("city")
                        .asText())
                .isEqualTo("Oslo");

        JsonNode streamed = seen.path("streamedCall");
        assertThat(streamed.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(streamed.path("content").asText())
                .as("no call text leaks into the content")
                .isEmpty();
        assertThat(streamed.path("tool_calls").path(0).path("name").asText()).isEqualTo("get_weather");
        assertThat(streamed.path("tool_calls").path(0).path("arguments").asText())
                .isEqualTo(call.path("tool_calls")
                        .path(0)
                        .path("function")
                        .path("arguments")
                        .asText());

        assertThat(seen.path("afterResult").path("finish_reason").asText()).isEqualTo("stop");
        assertThat(seen.path("afterResult").path("content").asText()).isEqualTo("Done.");
        assertThat(seen.path("plain").asText()).isEqualTo("pong");
    }

    @Test
    void langChain4jsOpenAiModel_getsAToolExecutionRequest() {
        OpenAiChatModel openAi = OpenAiChatModel.builder()
                .baseUrl(miner.baseUri() + "/v1")
                .apiKey("not-needed")
                .modelName("tiny-chat")
                .maxTokens(96)
                .temperature(0.0)
                .build();
        ToolSpecification define = ToolSpecification.builder()
                .name("define_word")
                .description("Look up the definition of a word.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("word")
                        .required("word")
                        .build())
                .build();
        ToolSpecification weather = ToolSpecification.builder()
                .name("get_weather")
                .description("Get the weather for a city.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("city")
                        .required("city")
                        .build())
                .build();
        ChatResponse r = openAi.chat(ChatRequest.builder()
                .messages(UserMessage.from("Define serendipity."))
                .toolSpecifications(weather, define)
                .build());
        assertThat(r.aiMessage().toolExecutionRequests()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("define_word");
            assertThat(JSON.readTree(call.arguments()).path("word").asText()).isEqualTo("serendipity");
        });
    }
}
