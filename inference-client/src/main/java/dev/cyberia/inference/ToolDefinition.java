package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A tool offered to a model: a function with a description and a JSON Schema for its arguments,
 * as in OpenAI's {@code tools} list and Hugging Face's {@code apply_chat_template(tools=...)}.
 *
 * @param parametersJson a JSON Schema object, e.g. {@code {"type":"object","properties":{...}}}
 */
public record ToolDefinition(String name, String description, String parametersJson) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ToolDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        description = description == null ? "" : description;
        JsonNode schema;
        try {
            schema = parametersJson == null || parametersJson.isBlank()
                    ? JSON.createObjectNode().put("type", "object").set("properties", JSON.createObjectNode())
                    : JSON.readTree(parametersJson);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("tool '" + name + "': the parameters are not JSON: " + e.getMessage());
        }
        if (!schema.isObject()) {
            throw new IllegalArgumentException("tool '" + name + "': the parameters must be a JSON Schema object");
        }
        parametersJson = schema.toString();
    }

    /** The OpenAI {@code tools} entry: {@code {"type":"function","function":{name, description, parameters}}}. */
    public ObjectNode toOpenAi() {
        ObjectNode tool = JSON.createObjectNode().put("type", "function");
        ObjectNode function = tool.putObject("function");
        function.put("name", name);
        function.put("description", description);
        try {
            function.set("parameters", JSON.readTree(parametersJson));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // checked in the constructor
        }
        return tool;
    }

    /** The same entry as plain maps and lists, as a chat template sees it. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toTemplateValue() {
        return JSON.convertValue(toOpenAi(), Map.class);
    }

    /** Reads an OpenAI {@code tools} entry (or a bare function object). */
    public static ToolDefinition fromOpenAi(JsonNode tool) {
        JsonNode function = tool.has("function") ? tool.get("function") : tool;
        JsonNode parameters = function.get("parameters");
        return new ToolDefinition(
                function.path("name").asText(""),
                function.path("description").asText(""),
                parameters == null || parameters.isNull() ? null : parameters.toString());
    }
}
