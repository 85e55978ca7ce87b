package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        Generation g = generate(
                LangChainMessages.messages(request),
                LangChainMessages.tools(request),
                OpenAiWire.options(request, java.util.OptionalLong.empty()));
        return LangChainMessages.response(g, model);
    }

    /** One completion as a {@link Generation}: text, tool calls, tokens, finish reason. */
    public Generation generate(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        return OpenAiWire.generation(post(OpenAiWire.chatRequest(model, messages, tools, options)));
    }

    private JsonNode post(ObjectNode body) {
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
