package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The OpenAI chat-completions shapes, both ways: the request a client sends and a miner reads
 * (messages with {@code tool_calls} and {@code tool} results, {@code tools}, generation options),
 * and the completion a miner answers and a client reads ({@code message.tool_calls}, usage).
 */
final class OpenAiWire {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiWire() {}

    /** A {@code /v1/chat/completions} request body. */
    static ObjectNode chatRequest(
            String model, List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode list = body.putArray("messages");
        messages.forEach(m -> list.add(message(m)));
        if (!tools.isEmpty()) {
            ArrayNode t = body.putArray("tools");
            tools.forEach(tool -> t.add(tool.toOpenAi()));
        }
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

    private static ObjectNode message(Message m) {
        ObjectNode node = JSON.createObjectNode().put("role", m.role());
        if (m.toolCalls().isEmpty() || !m.content().isEmpty()) {
            node.put("content", m.content());
        } else {
            node.putNull("content");
        }
        if (!m.toolCalls().isEmpty()) {
            node.set("tool_calls", toolCalls(m.toolCalls()));
        }
        if (m.toolCallId() != null) {
            node.put("tool_call_id", m.toolCallId());
        }
        if (m.name() != null) {
            node.put("name", m.name());
        }
        return node;
    }

    private static ArrayNode toolCalls(List<FunctionCall> calls) {
        ArrayNode list = JSON.createArrayNode();
        for (FunctionCall c : calls) {
            ObjectNode call = list.addObject().put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
        }
        return list;
    }

    /**
     * The messages of a request. Content is a string or a list of text parts.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static List<Message> messages(JsonNode request) {
        if (!request.path("messages").isArray() || request.get("messages").isEmpty()) {
            throw new IllegalArgumentException("the request needs a non-empty 'messages' list");
        }
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : request.get("messages")) {
            messages.add(new Message(
                    m.path("role").asText(""),
                    content(m.get("content")),
                    functionCalls(m.path("tool_calls")),
                    m.hasNonNull("tool_call_id") ? m.get("tool_call_id").asText() : null,
                    m.path("role").asText().equals("tool") && m.hasNonNull("name")
                            ? m.get("name").asText()
                            : null));
        }
        return messages;
    }

    /** OpenAI's {@code tool_calls} list: arguments as JSON text (an object sent as one is kept as its text). */
    private static List<FunctionCall> functionCalls(JsonNode toolCalls) {
        List<FunctionCall> calls = new ArrayList<>();
        for (JsonNode c : toolCalls) {
            JsonNode arguments = c.path("function").path("arguments");
            calls.add(new FunctionCall(
                    c.path("id").asText(FunctionCall.idFor(calls.size())),
                    c.path("function").path("name").asText(""),
                    arguments.isTextual() ? arguments.asText() : arguments.toString()));
        }
        return calls;
    }

    private static String content(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isArray()) { // [{"type":"text","text":"..."}]
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.path("type").asText("text").equals("text")) {
                    throw new IllegalArgumentException("only text content is served, not '"
                            + part.path("type").asText() + "'");
                }
                text.append(part.path("text").asText(""));
            }
            return text.toString();
        }
        return content.asText();
    }

    /** The tools of a request ({@code tools}, OpenAI's function list). */
    static List<ToolDefinition> tools(JsonNode request) {
        List<ToolDefinition> tools = new ArrayList<>();
        for (JsonNode t : request.path("tools")) {
            if (!t.path("type").asText("function").equals("function")) {
                throw new IllegalArgumentException(
                        "only function tools are served, not '" + t.path("type").asText() + "'");
            }
            tools.add(ToolDefinition.fromOpenAi(t));
        }
        return tools;
    }

    /** The generation options of a request. */
    static GenerationOptions options(JsonNode request) {
        List<String> stops = new ArrayList<>();
        if (request.path("stop").isTextual()) {
            stops.add(request.get("stop").asText());
        } else {
            request.path("stop").forEach(s -> stops.add(s.asText()));
        }
        JsonNode max = request.hasNonNull("max_completion_tokens")
                ? request.get("max_completion_tokens")
                : request.path("max_tokens");
        return new GenerationOptions(
                Math.max(1, Math.min(max.asInt(256), 4096)),
                request.path("temperature").asDouble(0),
                request.path("top_p").asDouble(1),
                request.hasNonNull("seed") ? OptionalLong.of(request.get("seed").asLong()) : OptionalLong.empty(),
                stops);
    }

    /** A {@code chat.completion} answer. */
    static ObjectNode completion(Generation g, String model) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-" + UUID.randomUUID());
        body.put("object", "chat.completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (g.toolCalls().isEmpty() || !g.text().isEmpty()) {
            message.put("content", g.text());
        } else {
            message.putNull("content");
        }
        if (!g.toolCalls().isEmpty()) {
            message.set("tool_calls", toolCalls(g.toolCalls()));
        }
        choice.put("finish_reason", g.openAiFinishReason());
        body.set("usage", usage(g));
        g.fingerprint().ifPresent(f -> body.set(FINGERPRINT, f.toJson()));
        return body;
    }

    /** Where an answer carries its {@link Fingerprint}: beside OpenAI's fields, covered by the receipt. */
    static final String FINGERPRINT = "x_cyberia_fingerprint";

    static ObjectNode usage(Generation g) {
        return JSON.createObjectNode()
                .put("prompt_tokens", g.promptTokens())
                .put("completion_tokens", g.completionTokens())
                .put("total_tokens", g.totalTokens());
    }

    /** The streamed chunk that carries a completion's tool calls ({@code delta.tool_calls}, with their index). */
    static ArrayNode toolCallDeltas(List<FunctionCall> calls) {
        ArrayNode list = toolCalls(calls);
        for (int i = 0; i < list.size(); i++) {
            ((ObjectNode) list.get(i)).put("index", i);
        }
        return list;
    }

    /** What a {@code chat.completion} answer says. */
    static Generation generation(JsonNode answer) {
        JsonNode choice = answer.path("choices").path(0);
        JsonNode message = choice.path("message");
        List<FunctionCall> calls = functionCalls(message.path("tool_calls"));
        String finish = choice.path("finish_reason").asText("stop");
        java.util.Optional<Fingerprint> fingerprint = java.util.Optional.empty();
        if (answer.hasNonNull(FINGERPRINT)) {
            try {
                fingerprint = java.util.Optional.of(Fingerprint.fromJson(answer.get(FINGERPRINT)));
            } catch (InferenceException malformed) {
                // as good as none: a spot check of this answer fails for want of one
            }
        }
        return new Generation(
                message.path("content").asText(""),
                calls,
                answer.path("usage").path("prompt_tokens").asInt(),
                answer.path("usage").path("completion_tokens").asInt(),
                switch (finish) {
                    case "length" -> Generation.FinishReason.LENGTH;
                    case "tool_calls" -> Generation.FinishReason.TOOL_CALLS;
                    default ->
                        calls.isEmpty() ? Generation.FinishReason.END_OF_SEQUENCE : Generation.FinishReason.TOOL_CALLS;
                },
                fingerprint);
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
