package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A LangChain4j {@link ChatModel} over a {@link LocalModel}. Tool calls come back as tool execution
 * requests when the model answers in the common {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>}
 * form for a tool it was offered.
 */
public final class LocalChatModel implements ChatModel {
    private static final Pattern TOOL_CALL =
            Pattern.compile("<tool_call>\\s*(\\{.*?})\\s*</tool_call>", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalModel model;
    private final OptionalLong seed;

    public LocalChatModel(LocalModel model, OptionalLong seed) {
        this.model = model;
        this.seed = seed;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<Message> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            messages.add(toMessage(m));
        }
        GenerationOptions options = OpenAiWire.options(request, seed);
        Generation generation = model.chat(messages, options);

        List<ToolSpecification> offered =
                request.toolSpecifications() == null ? List.of() : request.toolSpecifications();
        List<ToolExecutionRequest> calls = toolCalls(
                generation.text(), offered.stream().map(ToolSpecification::name).collect(Collectors.toSet()));
        AiMessage answer = calls.isEmpty() ? AiMessage.from(generation.text()) : AiMessage.from(calls);
        FinishReason finish = !calls.isEmpty()
                ? FinishReason.TOOL_EXECUTION
                : generation.finishReason() == Generation.FinishReason.LENGTH ? FinishReason.LENGTH : FinishReason.STOP;
        return ChatResponse.builder()
                .aiMessage(answer)
                .modelName(model.name())
                .tokenUsage(new TokenUsage(generation.promptTokens(), generation.completionTokens()))
                .finishReason(finish)
                .build();
    }

    static Message toMessage(ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return new Message("system", s.text());
        }
        if (m instanceof UserMessage u) {
            if (!u.hasSingleText()) {
                throw new InferenceException("local models take text only; the user message has other content");
            }
            return new Message("user", u.singleText());
        }
        if (m instanceof AiMessage a) {
            if (a.hasToolExecutionRequests()) {
                StringBuilder text = new StringBuilder();
                for (ToolExecutionRequest call : a.toolExecutionRequests()) {
                    text.append("<tool_call>{\"name\":\"")
                            .append(call.name())
                            .append("\",\"arguments\":")
                            .append(call.arguments())
                            .append("}</tool_call>");
                }
                return new Message("assistant", text.toString());
            }
            return new Message("assistant", a.text());
        }
        if (m instanceof ToolExecutionResultMessage r) {
            return new Message("tool", r.text());
        }
        throw new InferenceException("unsupported chat message type " + m.type());
    }

    /** The tool calls in a model's text, for tools that were offered; malformed or unknown calls stay text. */
    static List<ToolExecutionRequest> toolCalls(String text, Set<String> offered) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        Matcher m = TOOL_CALL.matcher(text);
        int index = 0;
        while (m.find()) {
            try {
                JsonNode call = JSON.readTree(m.group(1));
                String name = call.path("name").asText("");
                if (!offered.contains(name)) {
                    continue;
                }
                JsonNode arguments = call.has("arguments") ? call.get("arguments") : JSON.createObjectNode();
                calls.add(ToolExecutionRequest.builder()
                        .id("call_" + index++)
                        .name(name)
                        .arguments(arguments.isTextual() ? arguments.asText() : arguments.toString())
                        .build());
            } catch (java.io.IOException malformed) {
                // not JSON: left as text for the caller to see
            }
        }
        return calls;
    }
}
