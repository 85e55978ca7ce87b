package dev.cyberia.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.inference.FunctionCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Tool calls read in the formats real models write, each family with its own markers. */
class ToolCallFormatTest {

    @Test
    void hermes_oneCall() {
        ToolCallFormat.Parsed p = ToolCallFormat.HERMES.parse(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>");
        assertThat(p.content()).isEmpty();
        assertThat(p.calls()).containsExactly(new FunctionCall("call00000", "get_weather", "{\"city\":\"Oslo\"}"));
    }

    @Test
    void hermes_severalCalls_andTextAround() {
        ToolCallFormat.Parsed p = ToolCallFormat.HERMES.parse("Let me check both.\n"
                + "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}</tool_call>\n"
                + "<tool_call>{\"name\": \"convert\", \"arguments\": \"{\\\"amount\\\": 5, \\\"currency\\\": \\\"EUR\\\"}\"}"
                + "</tool_call>");
        assertThat(p.content()).isEqualTo("Let me check both.");
        assertThat(p.calls()).extracting(FunctionCall::name).containsExactly("get_weather", "convert");
        assertThat(p.calls().get(1).arguments()).isEqualTo("{\"amount\": 5, \"currency\": \"EUR\"}");
        assertThat(p.calls()).extracting(FunctionCall::id).containsExactly("call00000", "call00001");
    }

    @Test
    void hermes_brokenJson_isStillACall_forTheToolToRefuse() {
        ToolCallFormat.Parsed p = ToolCallFormat.HERMES.parse(
                "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": Oslo}}</tool_call>");
        assertThat(p.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.arguments()).isEqualTo("{\"name\": \"get_weather\", \"arguments\": {\"city\": Oslo}}");
        });
        assertThat(ToolCallFormat.HERMES.parse("<tool_call>{oops").calls())
                .singleElement()
                .satisfies(c -> assertThat(c.name()).isEmpty());
    }

    @Test
    void hermes_unterminatedCall_atTheEnd_isRead() {
        assertThat(ToolCallFormat.HERMES
                        .parse("<tool_call>{\"name\": \"ping\", \"arguments\": {}}")
                        .calls())
                .extracting(FunctionCall::name)
                .containsExactly("ping");
    }

    @Test
    void hermes_plainText_hasNoCalls() {
        assertThat(ToolCallFormat.HERMES.parse("It is 12 C in Oslo.").calls()).isEmpty();
    }

    @Test
    void llama_jsonWithParameters_withOrWithoutPythonTag() {
        for (String text : new String[] {
            "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}",
            "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}",
            "  {\"type\": \"function\", \"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}\n"
        }) {
            assertThat(ToolCallFormat.LLAMA3_JSON.parse(text).calls())
                    .as(text)
                    .containsExactly(new FunctionCall("call00000", "get_weather", "{\"city\":\"Oslo\"}"));
        }
    }

    @Test
    void llama_severalCalls_asAListOrSeparated() {
        String one = "{\"name\": \"a\", \"parameters\": {\"x\": 1}}";
        String two = "{\"name\": \"b\", \"parameters\": {}}";
        assertThat(ToolCallFormat.LLAMA3_JSON
                        .parse("[" + one + ", " + two + "]")
                        .calls())
                .extracting(FunctionCall::name)
                .containsExactly("a", "b");
        assertThat(ToolCallFormat.LLAMA3_JSON.parse(one + "; " + two).calls())
                .extracting(FunctionCall::name)
                .containsExactly("a", "b");
        assertThat(ToolCallFormat.LLAMA3_JSON.parse(one + "\n" + two).calls())
                .extracting(FunctionCall::name)
                .containsExactly("a", "b");
    }

    @Test
    void llama_textAndOtherJson_areNotCalls_butABrokenCallIs() {
        assertThat(ToolCallFormat.LLAMA3_JSON.parse("The weather is fine.").calls())
                .isEmpty();
        assertThat(ToolCallFormat.LLAMA3_JSON.parse("{\"answer\": 5}").calls()).isEmpty();
        assertThat(ToolCallFormat.LLAMA3_JSON
                        .parse("{\"name\": \"get_weather\", \"parameters\": {\"city\"")
                        .calls())
                .singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo("get_weather"));
    }

    @Test
    void mistral_toolCallsList_keepsItsIds() {
        ToolCallFormat.Parsed p = ToolCallFormat.MISTRAL.parse(
                "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\":"
                        + " {\"city\": \"Oslo\"}, \"id\": \"abc123XYZ\"}, {\"name\": \"convert\", \"arguments\": {\"amount\": 5}}]");
        assertThat(p.content()).isEmpty();
        assertThat(p.calls())
                .containsExactly(
                        new FunctionCall("abc123XYZ", "get_weather", "{\"city\":\"Oslo\"}"),
                        new FunctionCall("call00001", "convert", "{\"amount\":5}"));
    }

    @Test
    void mistral_brokenList_isOneCallToRefuse_andTextIsText() {
        assertThat(ToolCallFormat.MISTRAL
                        .parse("[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {")
                        .calls())
                .singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo("get_weather"));
        assertThat(ToolCallFormat.MISTRAL.parse("Oslo is cold.").calls()).isEmpty();
    }

    @Test
    void streaming_showsTextOnlyUpToWhereACallMayBegin() {
        assertThat(ToolCallFormat.HERMES.safeLength("Sure. <tool_")).isEqualTo("Sure. ".length());
        assertThat(ToolCallFormat.HERMES.safeLength("Sure. <tool_call>{\"na")).isEqualTo("Sure. ".length());
        assertThat(ToolCallFormat.HERMES.safeLength("Plain answer")).isEqualTo("Plain answer".length());
        assertThat(ToolCallFormat.MISTRAL.safeLength("[TOOL")).isZero();
        assertThat(ToolCallFormat.LLAMA3_JSON.safeLength("{\"name\"")).isZero();
        assertThat(ToolCallFormat.LLAMA3_JSON.safeLength("Hello")).isEqualTo(5);
    }

    @Test
    void theFormat_isChosenFromTheTemplate_elseTheModelType() throws IOException {
        assertThat(ToolCallFormat.of(template("qwen2.5.jinja"), "qwen2")).isEqualTo(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.of(template("hermes.jinja"), "llama")).isEqualTo(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.of(template("llama3.1.jinja"), "llama")).isEqualTo(ToolCallFormat.LLAMA3_JSON);
        assertThat(ToolCallFormat.of(template("llama3.2.jinja"), "llama")).isEqualTo(ToolCallFormat.LLAMA3_JSON);
        assertThat(ToolCallFormat.of(template("mistral-v0.3.jinja"), "mistral")).isEqualTo(ToolCallFormat.MISTRAL);
        assertThat(ToolCallFormat.of("{{ messages }}", "mistral")).isEqualTo(ToolCallFormat.MISTRAL);
        assertThat(ToolCallFormat.of("{{ messages }}", "llama")).isEqualTo(ToolCallFormat.LLAMA3_JSON);
        assertThat(ToolCallFormat.of("{{ messages }}", "gpt2")).isEqualTo(ToolCallFormat.HERMES);
    }

    private static String template(String name) throws IOException {
        try (InputStream in = ToolCallFormatTest.class.getResourceAsStream("/chat-templates/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
