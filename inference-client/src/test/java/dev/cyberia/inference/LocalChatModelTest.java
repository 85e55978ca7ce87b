package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tiny real model behind LangChain4j's ChatModel, tool calls included. */
class LocalChatModelTest {
    static LocalModel model;
    static LocalChatModel chat;

    @BeforeAll
    static void load() {
        model = LocalModel.open(LocalModelTest.TINY);
        chat = new LocalChatModel(model, OptionalLong.empty());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void answersText_withTokenUsage() {
        ChatResponse r = chat.chat(ChatRequest.builder()
                .messages(UserMessage.from("ping"))
                .maxOutputTokens(8)
                .build());
        assertThat(r.aiMessage().text()).isEqualTo("pong");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(4); // byte-level: p, o, n, g
        assertThat(r.tokenUsage().inputTokenCount()).isGreaterThan(10);
        assertThat(r.modelName()).isEqualTo("tiny-chat");
    }

    @Test
    void offeredTool_comesBackAsAToolExecutionRequest() {
        ToolSpecification weather = ToolSpecification.builder()
                .name("weather")
                .description("Get the weather for a city.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("city")
                        .required("city")
                        .build())
                .build();
        ChatResponse r = chat.chat(ChatRequest.builder()
                .messages(UserMessage.from("Weather in Lima?"))
                .toolSpecifications(weather)
                .maxOutputTokens(96)
                .build());
        AiMessage ai = r.aiMessage();
        assertThat(ai.hasToolExecutionRequests()).isTrue();
        assertThat(ai.toolExecutionRequests()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("weather");
            assertThat(call.arguments()).isEqualTo("{\"city\":\"Lima\"}");
        });
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    }

    @Test
    void aToolResult_goesBackToTheModel_whichEndsItsTurn() {
        ToolSpecification weather = ToolSpecification.builder()
                .name("weather")
                .description("Get the weather for a city.")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").build())
                .build();
        AiMessage call = chat.chat(ChatRequest.builder()
                        .messages(UserMessage.from("Weather in Lima?"))
                        .toolSpecifications(weather)
                        .build())
                .aiMessage();
        ChatResponse after = chat.chat(ChatRequest.builder()
                .messages(
                        UserMessage.from("Weather in Lima?"),
                        call,
                        dev.langchain4j.data.message.ToolExecutionResultMessage.from(
                                call.toolExecutionRequests().get(0), "18 C"))
                .toolSpecifications(weather)
                .build());
        assertThat(after.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(after.aiMessage().text()).isEqualTo("Done.");
        assertThat(after.finishReason()).isEqualTo(FinishReason.STOP);
    }
}
