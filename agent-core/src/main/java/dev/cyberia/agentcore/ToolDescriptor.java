package dev.cyberia.agentcore;

import java.util.List;

/**
 * A tool as the runtime and the planner see it: its signature, and what the policy gate must know.
 *
 * @param earns whether calling it brings money in (allowed in CRITICAL mode)
 */
public record ToolDescriptor(
        String name,
        String description,
        List<ToolParameter> parameters,
        SideEffect sideEffect,
        Tier minTier,
        boolean approvalRequired,
        boolean earns) {
    public ToolDescriptor {
        parameters = List.copyOf(parameters);
    }

    /** One parameter; {@code type} is the JSON type the model must send. */
    public record ToolParameter(String name, ParameterType type, String description, boolean required) {}

    /** The JSON types a tool argument may have. */
    public enum ParameterType {
        STRING,
        INTEGER,
        NUMBER,
        BOOLEAN
    }
}
