package dev.cyberia.inference;

import java.util.List;

/**
 * One chat message: role {@code system}, {@code user}, {@code assistant} or {@code tool}. An
 * assistant message may carry the tool calls it asked for; a tool message answers one call.
 *
 * @param toolCalls the assistant's tool calls (empty otherwise)
 * @param toolCallId for a tool message: the call it answers (null otherwise)
 * @param name for a tool message: the tool's name (null otherwise)
 */
public record Message(String role, String content, List<FunctionCall> toolCalls, String toolCallId, String name) {
    public Message {
        if (role == null || !role.matches("system|user|assistant|tool")) {
            throw new IllegalArgumentException("a message role is system, user, assistant or tool, not '" + role + "'");
        }
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && !role.equals("assistant")) {
            throw new IllegalArgumentException("only an assistant message carries tool calls");
        }
    }

    public Message(String role, String content) {
        this(role, content, List.of(), null, null);
    }

    public static Message user(String content) {
        return new Message("user", content);
    }

    public static Message system(String content) {
        return new Message("system", content);
    }

    /** An assistant turn: text, tool calls, or both. */
    public static Message assistant(String content, List<FunctionCall> calls) {
        return new Message("assistant", content, calls, null, null);
    }

    /** The result of {@code call}, as the model sees it next. */
    public static Message toolResult(FunctionCall call, String content) {
        return new Message("tool", content, List.of(), call.id(), call.name());
    }
}
