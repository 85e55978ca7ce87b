package dev.cyberia.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.inference.FunctionCall;
import dev.cyberia.inference.Message;
import dev.cyberia.inference.ToolDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real models' chat templates (Qwen2.5, Llama 3.1 and 3.2, Mistral v0.3, Hermes 3 tool use),
 * rendered by our Jinjava setup, against what Hugging Face's {@code apply_chat_template} renders
 * from the same conversations (goldens made by {@code chat-templates/render_golden.py} with jinja2).
 */
class ChatTemplateGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() throws IOException {
        JsonNode spec = JSON.readTree(resource("conversations.json"));
        List<Arguments> all = new ArrayList<>();
        spec.get("families").fields().forEachRemaining(family -> {
            for (JsonNode c : spec.get("cases")) {
                // transformers renders a model's "default" template when no tools are passed, not its
                // "tool_use" one: the cases it cannot render itself (an .error.txt golden) are not cases
                String golden = "golden/" + family.getKey() + "." + c.get("id").asText();
                if (!exists(golden + ".error.txt")) {
                    all.add(Arguments.of(family.getKey(), c.get("id").asText()));
                }
            }
        });
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void rendersAsHuggingFaceDoes(String family, String caseId) throws IOException {
        JsonNode spec = JSON.readTree(resource("conversations.json"));
        JsonNode familySpec = spec.get("families").get(family);
        JsonNode c = null;
        for (JsonNode each : spec.get("cases")) {
            if (each.get("id").asText().equals(caseId)) {
                c = each;
            }
        }
        Map<String, Object> variables = new HashMap<>();
        familySpec.get("context").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                variables.put(e.getKey(), e.getValue().asText());
            }
        });
        Clock fixed = Clock.fixed(Instant.parse(spec.get("fixed_now").asText() + "Z"), ZoneOffset.UTC);
        ChatTemplate template = new ChatTemplate(
                new String(resource(familySpec.get("template").asText()), StandardCharsets.UTF_8), variables, fixed);
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : c.get("messages")) {
            List<FunctionCall> calls = new ArrayList<>();
            for (JsonNode call : m.path("tool_calls")) {
                calls.add(new FunctionCall(
                        call.get("id").asText(),
                        call.get("function").get("name").asText(),
                        call.get("function").get("arguments").toString()));
            }
            messages.add(new Message(
                    m.get("role").asText(),
                    m.path("content").asText(""),
                    calls,
                    m.has("tool_call_id") ? m.get("tool_call_id").asText() : null,
                    m.has("name") ? m.get("name").asText() : null));
        }
        List<ToolDefinition> tools = new ArrayList<>();
        if (c.get("use_tools").asBoolean()) {
            spec.get("tools").forEach(t -> tools.add(ToolDefinition.fromOpenAi(t)));
        }
        boolean generationPrompt = c.get("add_generation_prompt").asBoolean();
        String golden = "golden/" + family + "." + caseId;
        String rendered = template.render(messages, tools, generationPrompt);
        java.nio.file.Path actual = java.nio.file.Path.of("target", "chat-templates", family + "." + caseId + ".txt");
        java.nio.file.Files.createDirectories(actual.getParent());
        java.nio.file.Files.writeString(actual, rendered); // to diff against the golden when they differ
        assertThat(rendered).isEqualTo(new String(resource(golden + ".txt"), StandardCharsets.UTF_8));
    }

    private static boolean exists(String name) {
        return ChatTemplateGoldenTest.class.getResource("/chat-templates/" + name) != null;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ChatTemplateGoldenTest.class.getResourceAsStream("/chat-templates/" + name)) {
            if (in == null) {
                throw new IOException("no test resource chat-templates/" + name);
            }
            return in.readAllBytes();
        }
    }
}
