package dev.cyberia.inference.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.inference.FunctionCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a model family writes tool calls in its answer, and how they are read back. A call that
 * cannot be read whole is still returned, with what could be read (the name, else an empty one)
 * and the raw text as its arguments: the tool's validation then tells the model what was wrong.
 */
public enum ToolCallFormat {
    /** Hermes, Qwen: {@code <tool_call>{"name": .., "arguments": {..}}</tool_call>}, one block per call. */
    HERMES("<tool_call>") {
        @Override
        public Parsed parse(String text) {
            List<FunctionCall> calls = new ArrayList<>();
            StringBuilder content = new StringBuilder();
            Matcher m = HERMES_BLOCK.matcher(text);
            int end = 0;
            while (m.find()) {
                content.append(text, end, m.start());
                end = m.end();
                calls.add(call(m.group(1).strip(), calls.size()));
            }
            content.append(text.substring(end));
            return new Parsed(content.toString().strip(), calls);
        }
    },
    /**
     * Llama 3.1 and later: the answer is a JSON object {@code {"name": .., "parameters": {..}}},
     * after an optional {@code <|python_tag|>}; several calls as a JSON list or separated by {@code ;}.
     */
    LLAMA3_JSON("<|python_tag|>") {
        @Override
        public Parsed parse(String text) {
            String body = text.strip();
            if (body.startsWith(marker())) {
                body = body.substring(marker().length()).strip();
            }
            if (!looksLikeCall(body)) {
                return new Parsed(text.strip(), List.of());
            }
            List<FunctionCall> calls = new ArrayList<>();
            try {
                JsonNode node = JSON.readTree(body);
                if (node != null && node.isArray()) {
                    node.forEach(c -> calls.add(call(c, calls.size())));
                    return new Parsed("", calls);
                }
                if (node != null && node.isObject() && node.has("name")) {
                    return new Parsed("", List.of(call(node, 0)));
                }
            } catch (IOException notOneDocument) {
                // several calls separated by ';' or new lines, or a broken one
            }
            for (String part : body.split(";\\s*(?=\\{)|\\n+(?=\\{)")) {
                calls.add(call(part.strip(), calls.size()));
            }
            return new Parsed("", calls);
        }

        private boolean looksLikeCall(String body) {
            return body.startsWith("[{") || body.matches("(?s)\\{\\s*\"(name|type)\".*");
        }

        @Override
        public int safeLength(String text) {
            String start = text.stripLeading();
            if (start.isEmpty()
                    || start.startsWith("{")
                    || start.startsWith("[")
                    || marker().startsWith(start)
                    || start.startsWith(marker())) {
                return 0; // might be a call: held until the answer is complete
            }
            return text.length();
        }
    },
    /** Mistral: {@code [TOOL_CALLS] [{"name": .., "arguments": {..}, "id": ..}]}. */
    MISTRAL("[TOOL_CALLS]") {
        @Override
        public Parsed parse(String text) {
            int at = text.indexOf(marker());
            if (at < 0) {
                return new Parsed(text.strip(), List.of());
            }
            String content = text.substring(0, at).strip();
            String body = text.substring(at + marker().length()).strip();
            List<FunctionCall> calls = new ArrayList<>();
            try {
                JsonNode node = JSON.readTree(body);
                if (node != null && node.isArray()) {
                    node.forEach(c -> calls.add(call(c, calls.size())));
                } else if (node != null && node.isObject()) {
                    calls.add(call(node, 0));
                } else {
                    calls.add(call(body, 0));
                }
            } catch (IOException broken) {
                calls.add(call(body, 0));
            }
            return new Parsed(content, calls);
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern HERMES_BLOCK = Pattern.compile("<tool_call>(.*?)(?:</tool_call>|$)", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern MISTRAL_ID = Pattern.compile("[A-Za-z0-9]{9}");

    private final String marker;

    ToolCallFormat(String marker) {
        this.marker = marker;
    }

    /** What an answer in this format begins a call with. */
    public String marker() {
        return marker;
    }

    /** The answer's text and the calls in it. */
    public record Parsed(String content, List<FunctionCall> calls) {
        public Parsed {
            calls = List.copyOf(calls);
        }
    }

    public abstract Parsed parse(String text);

    /**
     * How much of a growing answer can be shown as text: everything before a call begins, holding
     * back an end that may be the start of the marker.
     */
    public int safeLength(String text) {
        int at = text.indexOf(marker);
        if (at >= 0) {
            return at;
        }
        for (int keep = Math.min(marker.length() - 1, text.length()); keep > 0; keep--) {
            if (marker.startsWith(text.substring(text.length() - keep))) {
                return text.length() - keep;
            }
        }
        return text.length();
    }

    /**
     * The format of a model folder: from the markers its chat template writes, else from its
     * {@code model_type}; Hermes when neither tells (also the format of the tool section added to
     * templates that have none).
     */
    public static ToolCallFormat of(String chatTemplate, String modelType) {
        if (chatTemplate.contains("[TOOL_CALLS]")) {
            return MISTRAL;
        }
        if (chatTemplate.contains("<tool_call>")) {
            return HERMES;
        }
        if (chatTemplate.contains("<|python_tag|>") || chatTemplate.contains("ipython")) {
            return LLAMA3_JSON;
        }
        String type = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        if (type.startsWith("mistral") || type.startsWith("mixtral")) {
            return MISTRAL;
        }
        if (type.startsWith("llama")) {
            return LLAMA3_JSON;
        }
        return HERMES;
    }

    /** One call from its JSON text; a malformed one keeps what could be read. */
    static FunctionCall call(String json, int index) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node != null && node.isObject()) {
                return call(node, index);
            }
        } catch (IOException malformed) {
            // below
        }
        Matcher name = NAME.matcher(json);
        return new FunctionCall(FunctionCall.idFor(index), name.find() ? name.group(1) : "", json);
    }

    static FunctionCall call(JsonNode node, int index) {
        JsonNode function = node.has("function") && node.get("function").isObject() ? node.get("function") : node;
        JsonNode arguments = function.has("arguments") ? function.get("arguments") : function.get("parameters");
        String id = node.path("id").asText("");
        return new FunctionCall(
                MISTRAL_ID.matcher(id).matches() ? id : FunctionCall.idFor(index),
                function.path("name").asText(""),
                arguments == null || arguments.isNull()
                        ? "{}"
                        : arguments.isTextual() ? arguments.asText() : arguments.toString());
    }
}
