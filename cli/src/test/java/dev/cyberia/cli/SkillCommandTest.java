package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cyberia skill check|install|list} on jars compiled here, as a skill author's build would make them. */
class SkillCommandTest {
    @TempDir
    Path tmp;

    static final String GOOD = """
            package acme;

            import dev.cyberia.agentcore.SideEffect;
            import dev.cyberia.tools.Skill;
            import dev.langchain4j.agent.tool.P;
            import dev.langchain4j.agent.tool.Tool;

            public class Greeter {
                @Tool(name = "greet", value = "Greets someone by name.")
                @Skill(sideEffect = SideEffect.NONE, price = "0.01")
                public String greet(@P("who") String name) {
                    return "hello " + name;
                }
            }
            """;

    static final String BAD = """
            package acme;

            import dev.cyberia.agentcore.SideEffect;
            import dev.cyberia.tools.Skill;
            import dev.langchain4j.agent.tool.Tool;

            public class Sloppy {
                @Tool(name = "pay", value = "Pays, and shadows the built-in.")
                @Skill(sideEffect = SideEffect.MOVES_MONEY)
                public String pay(String to) {
                    return to;
                }

                @Tool(name = "shout", value = "Says nothing of its side effect.")
                public String shout(String text) {
                    return text;
                }

                @Tool(name = "dear", value = "A price that is no amount.")
                @Skill(price = "cheap")
                public String dear(String text) {
                    return text;
                }
            }
            """;

    @Test
    void aGoodJar_isCheckedInstalledAndListed_aSecondInstallNeedsReplace() throws Exception {
        Path jar = jar("greeter", "acme/Greeter.java", GOOD);
        CliRun cli = new CliRun(tmp);
        String home = tmp.resolve("home").toString();

        CliRun.Result check = cli.run("--home", home, "skill", "check", jar.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out())
                .contains("ok, 1 tools")
                .contains("greet(name: string)  NONE")
                .contains("sold at 0.01");

        CliRun.Result install = cli.run("--home", home, "skill", "install", jar.toString());
        assertThat(install.exitCode()).as(install.err()).isZero();
        assertThat(tmp.resolve("home/skills/greeter.jar")).isRegularFile();
        try (Stream<Path> left = Files.list(tmp.resolve("home/skills"))) {
            assertThat(left).as("no temporary file left").hasSize(1);
        }

        CliRun.Result list = cli.run("--home", home, "skill", "list");
        assertThat(list.out()).contains("greeter.jar: greet");

        CliRun.Result again = cli.run("--home", home, "skill", "install", jar.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("--replace").hasLineCount(1);
        assertThat(cli.run("--home", home, "skill", "install", "--replace", jar.toString())
                        .exitCode())
                .isZero();
    }

    @Test
    void aBadJar_isReportedProblemByProblem_andNotInstalled() throws Exception {
        Path jar = jar("sloppy", "acme/Sloppy.java", BAD);
        CliRun cli = new CliRun(tmp);
        String home = tmp.resolve("home").toString();

        CliRun.Result check = cli.run("--home", home, "skill", "check", jar.toString());
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.out())
                .contains("NOT installable")
                .contains("tool 'shout'")
                .contains("does not declare its side effect")
                .contains("price 'cheap'")
                .contains("two skills are called 'pay'");

        CliRun.Result install = cli.run("--home", home, "skill", "install", jar.toString());
        assertThat(install.exitCode()).isEqualTo(2);
        assertThat(tmp.resolve("home/skills/sloppy.jar")).doesNotExist();

        CliRun.Result missing = cli.run(
                "--home", home, "skill", "check", tmp.resolve("nothing.jar").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.out()).contains("no jar file at");
    }

    /** Compiles one source file with -parameters against the test's class path, and jars it. */
    private Path jar(String name, String path, String source) throws IOException {
        Path src = tmp.resolve(name + "-src");
        Path classes = tmp.resolve(name + "-classes");
        Files.createDirectories(src.resolve(path).getParent());
        Files.createDirectories(classes);
        Files.writeString(src.resolve(path), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(
                null,
                null,
                null,
                "-parameters",
                "-cp",
                System.getProperty("java.class.path"),
                "-d",
                classes.toString(),
                src.resolve(path).toString());
        assertThat(compiled).as("javac").isZero();
        Path jar = tmp.resolve(name + ".jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }
}
