package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain OpenAI-compatible endpoint (a user's own Ollama, vLLM or hosted API), with an optional
 * API key, unpaid in tokens. A LangChain4j {@link ChatModel}, and a {@link ChatBackend} a miner can
 * resell (non-streaming upstream: a stream is handed out whole).
 */
public final class OpenAiCompatibleChatModel implements ChatModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String model;
    private final String apiKey;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param apiKey sent as a bearer token; null for none */
    public OpenAiCompatibleChatModel(URI baseUrl, String model, String apiKey) {
        this.baseUrl = baseUrl;
        this.model = model;
        this.apiKey = apiKey;
    }

    /** The model id at the endpoint. */
    public String modelId() {
        return model;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<Message> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s) {
                messages.add(Message.system(s.text()));
            } else if (m instanceof UserMessage u && u.hasSingleText()) {
                messages.add(Message.user(u.singleText()));
            } else if (m instanceof AiMessage a) {
                messages.add(new Message("assistant", a.text() == null ? "" : a.text()));
            } else if (m instanceof ToolExecutionResultMessage t) {
                messages.add(new Message("tool", t.text()));
            } else {
                throw new InferenceException("unsupported message for an OpenAI-compatible endpoint: " + m.type());
            }
        }
        JsonNode answer = post(
                messages,
                OpenAiWire.options(request, java.util.OptionalLong.empty()),
                request.toolSpecifications() == null ? List.of() : request.toolSpecifications());
        JsonNode message = answer.path("choices").path(0).path("message");
        List<ToolExecutionRequest> calls = new ArrayList<>();
        message.path("tool_calls")
                .forEach(c -> calls.add(ToolExecutionRequest.builder()
                        .id(c.path("id").asText())
                        .name(c.path("function").path("name").asText())
                        .arguments(c.path("function").path("arguments").asText())
                        .build()));
        return ChatResponse.builder()
                .aiMessage(
                        calls.isEmpty() ? AiMessage.from(message.path("content").asText("")) : AiMessage.from(calls))
                .modelName(answer.path("model").asText(model))
                .tokenUsage(new TokenUsage(
                        answer.path("usage").path("prompt_tokens").asInt(),
                        answer.path("usage").path("completion_tokens").asInt()))
                .finishReason(calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_EXECUTION)
                .build();
    }

    /** One completion as a {@link Generation}: text, tokens, finish reason. */
    public Generation generate(List<Message> messages, GenerationOptions options) {
        JsonNode answer = post(messages, options, List.of());
        String finish = answer.path("choices").path(0).path("finish_reason").asText("stop");
        return new Generation(
                answer.path("choices").path(0).path("message").path("content").asText(""),
                answer.path("usage").path("prompt_tokens").asInt(),
                answer.path("usage").path("completion_tokens").asInt(),
                finish.equals("length") ? Generation.FinishReason.LENGTH : Generation.FinishReason.END_OF_SEQUENCE);
    }

    private JsonNode post(List<Message> messages, GenerationOptions options, List<ToolSpecification> tools) {
        ObjectNode body = OpenAiWire.chatRequest(model, messages, options);
        if (!tools.isEmpty()) { // OpenAI's "tools": one function each, its parameters as JSON Schema
            ArrayNode toolList = body.putArray("tools");
            for (ToolSpecification t : tools) {
                ObjectNode function =
                        toolList.addObject().put("type", "function").putObject("function");
                function.put("name", t.name());
                if (t.description() != null) {
                    function.put("description", t.description());
                }
                function.set(
                        "parameters",
                        t.parameters() == null
                                ? JSON.createObjectNode().put("type", "object")
                                : JSON.valueToTree(
                                        dev.langchain4j.internal.JsonSchemaElementUtils.toMap(t.parameters())));
            }
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(baseUrl.resolve("/v1/chat/completions"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null) {
            r.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new InferenceException(
                        "the endpoint " + baseUrl + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (ConnectException e) {
            throw new MinerUnavailableException("the endpoint " + baseUrl + " is not reachable", e);
        } catch (IOException e) {
            throw new MinerUnavailableException("the endpoint " + baseUrl + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MinerUnavailableException("interrupted calling " + baseUrl, e);
        }
    }
}
