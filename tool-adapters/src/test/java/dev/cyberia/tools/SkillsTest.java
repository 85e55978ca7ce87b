package dev.cyberia.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.agentcore.ToolCall;
import dev.cyberia.agentcore.ToolDescriptor;
import dev.cyberia.agentcore.ToolDescriptor.ParameterType;
import dev.cyberia.agentcore.ToolOutcome;
import dev.cyberia.agentcore.Toolbox;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

class SkillsTest {
    final Toolbox echo = Skills.of(List.of(new EchoSkills()));

    @Test
    void descriptors_comeFromToolPAndSkillAnnotations() {
        ToolDescriptor repeat = find(echo, "repeat");
        assertThat(repeat.parameters())
                .extracting(ToolDescriptor.ToolParameter::name, ToolDescriptor.ToolParameter::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("word", ParameterType.STRING),
                        org.assertj.core.groups.Tuple.tuple("times", ParameterType.INTEGER));
        assertThat(repeat.sideEffect()).isEqualTo(SideEffect.NONE);
        ToolDescriptor price = find(echo, "price");
        assertThat(price.sideEffect()).isEqualTo(SideEffect.EXTERNAL);
        assertThat(price.minTier()).isEqualTo(Tier.AGENT);
        assertThat(price.earns()).isTrue();
        assertThat(price.parameters().get(1).required()).isFalse();
    }

    @Test
    void builtIns_areAlwaysLoaded() {
        Toolbox box = Skills.load(List.of(), getClass().getClassLoader());
        assertThat(box.tools())
                .extracting(ToolDescriptor::name)
                .contains(
                        "wallet_balance",
                        "pay",
                        "buy_inference",
                        "http_get",
                        "remember",
                        "recall",
                        "schedule_follow_up");
        assertThat(find(box, "pay").sideEffect()).isEqualTo(SideEffect.MOVES_MONEY);
    }

    @Test
    void validate_acceptsAWellFormedCall() {
        assertThat(echo.validate(new ToolCall("1", "repeat", "{\"word\":\"hi\",\"times\":2}")))
                .isEmpty();
        assertThat(echo.validate(new ToolCall("1", "price", "{\"amount\":1.25}")))
                .isEmpty();
    }

    @Test
    void validate_malformedJson_isAnErrorNamingTheTool() {
        assertThat(echo.validate(new ToolCall("1", "repeat", "{\"word\": \"hi\", times: ")))
                .hasValueSatisfying(e -> assertThat(e).startsWith("arguments of 'repeat' are not valid JSON"));
    }

    @Test
    void validate_wrongArgumentType_isAnError() {
        assertThat(echo.validate(new ToolCall("1", "repeat", "{\"word\":\"hi\",\"times\":\"two\"}")))
                .contains("'repeat' argument 'times' must be integer, not string \"two\"");
        assertThat(echo.validate(new ToolCall("1", "repeat", "{\"word\":\"hi\",\"times\":2.5}")))
                .hasValueSatisfying(e -> assertThat(e).contains("must be integer"));
        assertThat(echo.validate(new ToolCall("1", "repeat", "{\"word\":\"hi\",\"times\":99999999999}")))
                .hasValueSatisfying(e -> assertThat(e).contains("out of range"));
    }

    @Test
    void validate_missingAndUnknownArguments_areErrors() {
        assertThat(echo.validate(new ToolCall("1", "repeat", "{\"word\":\"hi\"}")))
                .contains("'repeat' needs 'times' (integer)");
        assertThat(echo.validate(new ToolCall("1", "repeat", "{\"word\":\"hi\",\"times\":1,\"loud\":true}")))
                .hasValueSatisfying(e -> assertThat(e).contains("has no parameter 'loud'"));
        assertThat(echo.validate(new ToolCall("1", "repeat", "[1,2]")))
                .contains("arguments of 'repeat' must be a JSON object");
    }

    @Test
    void invoke_runsTheMethodWithConvertedArguments() {
        ToolOutcome outcome = echo.invoke(new ToolCall("1", "price", "{\"amount\":2.5,\"round\":true}"), null);
        assertThat(outcome).isEqualTo(new ToolOutcome.Done("3"));
    }

    @Test
    void load_unknownClass_isNamedInTheError() {
        assertThatThrownBy(() -> Skills.load(
                        List.of("com.example.NoSuchSkill"), getClass().getClassLoader()))
                .isInstanceOf(InvalidSkillException.class)
                .hasMessageContaining("unknown skill 'com.example.NoSuchSkill'");
    }

    @Test
    void load_classWithoutTools_isRefused() {
        assertThatThrownBy(() ->
                        Skills.load(List.of("java.lang.Object"), getClass().getClassLoader()))
                .isInstanceOf(InvalidSkillException.class)
                .hasMessageContaining("java.lang.Object has no public method annotated with @Tool");
    }

    @Test
    void load_findsASkillPackByNameThroughServiceLoader_andAClassByName() {
        assertThat(Skills.load(List.of("echo-pack"), getClass().getClassLoader())
                        .tools())
                .extracting(ToolDescriptor::name)
                .contains("repeat", "price");
        assertThat(Skills.load(List.of(EchoSkills.class.getName()), getClass().getClassLoader())
                        .tools())
                .extracting(ToolDescriptor::name)
                .contains("repeat");
    }

    @Test
    void load_findsASkillInAJarDroppedIntoTheSkillsFolder() throws IOException {
        Path src = Files.createTempDirectory("skill-src");
        Path classes = Files.createTempDirectory("skill-classes");
        Files.writeString(src.resolve("Shout.java"), """
                package com.example;
                import dev.langchain4j.agent.tool.P;
                import dev.langchain4j.agent.tool.Tool;
                public class Shout {
                    @Tool(name = "shout", value = "Upper-cases text.")
                    public String shout(@P("text") String text) { return text.toUpperCase(); }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(
                null,
                null,
                null,
                "-parameters",
                "-cp",
                System.getProperty("java.class.path"),
                "-d",
                classes.toString(),
                src.resolve("Shout.java").toString());
        assertThat(rc).isZero();
        Path skills = Files.createTempDirectory("skills");
        try (OutputStream file = Files.newOutputStream(skills.resolve("shout.jar"));
                JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("com/example/Shout.class"));
            jar.write(Files.readAllBytes(classes.resolve("com/example/Shout.class")));
            jar.closeEntry();
        }
        Toolbox box = Skills.load(List.of("com.example.Shout"), Skills.loaderFor(skills));
        assertThat(box.invoke(new ToolCall("1", "shout", "{\"text\":\"hi\"}"), null))
                .isEqualTo(new ToolOutcome.Done("HI"));
        assertThatThrownBy(() ->
                        Skills.load(List.of("com.example.Shout"), Skills.loaderFor(Files.createTempDirectory("empty"))))
                .hasMessageContaining("unknown skill 'com.example.Shout'");
    }

    private static ToolDescriptor find(Toolbox box, String name) {
        return box.tools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
