package dev.cyberia.inference;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/** LangChain4j's chat types to ours and back: one mapping for every model here (local, miner, endpoint). */
final class LangChainMessages {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private LangChainMessages() {}

    static List<Message> messages(ChatRequest request) {
        List<Message> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            messages.add(message(m));
        }
        return messages;
    }

    static Message message(ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return Message.system(s.text());
        }
        if (m instanceof UserMessage u) {
            if (!u.hasSingleText()) {
                throw new InferenceException("only text is understood; the user message has other content");
            }
            return Message.user(u.singleText());
        }
        if (m instanceof AiMessage a) {
            List<FunctionCall> calls = new ArrayList<>();
            if (a.hasToolExecutionRequests()) {
                for (ToolExecutionRequest r : a.toolExecutionRequests()) {
                    calls.add(new FunctionCall(
                            r.id() == null ? FunctionCall.idFor(calls.size()) : r.id(), r.name(), r.arguments()));
                }
            }
            return Message.assistant(a.text() == null ? "" : a.text(), calls);
        }
        if (m instanceof ToolExecutionResultMessage r) {
            return Message.toolResult(new FunctionCall(r.id(), r.toolName(), "{}"), r.text());
        }
        throw new InferenceException("unsupported chat message type " + m.type());
    }

    static List<ToolDefinition> tools(ChatRequest request) {
        List<ToolDefinition> tools = new ArrayList<>();
        if (request.toolSpecifications() != null) {
            for (ToolSpecification t : request.toolSpecifications()) {
                tools.add(new ToolDefinition(
                        t.name(),
                        t.description(),
                        t.parameters() == null
                                ? null
                                : JSON.valueToTree(JsonSchemaElementUtils.toMap(t.parameters()))
                                        .toString()));
            }
        }
        return tools;
    }

    /** A model's answer as LangChain4j's: text, tool execution requests, usage, finish reason. */
    static ChatResponse response(Generation g, String modelName) {
        AiMessage answer;
        if (g.toolCalls().isEmpty()) {
            answer = AiMessage.from(g.text());
        } else {
            List<ToolExecutionRequest> requests = g.toolCalls().stream()
                    .map(c -> ToolExecutionRequest.builder()
                            .id(c.id())
                            .name(c.name())
                            .arguments(c.arguments())
                            .build())
                    .toList();
            answer = g.text().isBlank() ? AiMessage.from(requests) : AiMessage.from(g.text(), requests);
        }
        return ChatResponse.builder()
                .aiMessage(answer)
                .modelName(modelName)
                .tokenUsage(new TokenUsage(g.promptTokens(), g.completionTokens()))
                .finishReason(
                        switch (g.finishReason()) {
                            case TOOL_CALLS -> FinishReason.TOOL_EXECUTION;
                            case LENGTH -> FinishReason.LENGTH;
                            default -> g.toolCalls().isEmpty() ? FinishReason.STOP : FinishReason.TOOL_EXECUTION;
                        })
                .build();
    }
}
