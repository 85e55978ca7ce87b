package dev.cyberia.agentcore;

/** A tool call as the planner asks for it; {@code argumentsJson} is untrusted model output. */
public record ToolCall(String id, String name, String argumentsJson) {
    public ToolCall {
        argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    }
}
