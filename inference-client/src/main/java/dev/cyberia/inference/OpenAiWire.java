package dev.cyberia.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.List;
import java.util.OptionalLong;

/** The OpenAI chat-completions shapes the inference module sends and maps from LangChain4j. */
final class OpenAiWire {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiWire() {}

    /** A {@code /v1/chat/completions} request body: model, messages, and the generation options. */
    static ObjectNode chatRequest(String model, List<Message> messages, GenerationOptions options) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode list = body.putArray("messages");
        messages.forEach(m -> list.addObject().put("role", m.role()).put("content", m.content()));
        body.put("max_tokens", options.maxNewTokens());
        body.put("temperature", options.temperature());
        body.put("top_p", options.topP());
        options.seed().ifPresent(s -> body.put("seed", s));
        if (!options.stopStrings().isEmpty()) {
            ArrayNode stops = body.putArray("stop");
            options.stopStrings().forEach(stops::add);
        }
        return body;
    }

    /** A LangChain4j request's generation settings, with the defaults every provider here uses. */
    static GenerationOptions options(ChatRequest request, OptionalLong seed) {
        return new GenerationOptions(
                request.maxOutputTokens() != null ? request.maxOutputTokens() : 256,
                request.temperature() != null ? request.temperature() : 0,
                request.topP() != null ? request.topP() : 1,
                seed,
                request.stopSequences() == null ? List.of() : request.stopSequences());
    }
}
