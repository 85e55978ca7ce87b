package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A skill author's whole path, as the README tells it: generate a project from the archetype, run
 * its tests (a paid skill on a real devnet, with one annotation) with Maven offline, and install the
 * jar it builds with one command. It needs this build's artifacts in the local repository ({@code
 * .ci/run} installs them as the build goes); in a build that does not install them it is skipped.
 */
class SkillProjectIT {
    static final String VERSION = "0.1.0-SNAPSHOT";

    @TempDir
    Path tmp;

    @Test
    void aGeneratedSkillProject_passesItsDevnetTestsOffline_andItsJarInstalls() throws Exception {
        Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path installed = repo.resolve(
                "dev/cyberia/cyberia-skill-archetype/" + VERSION + "/cyberia-skill-archetype-" + VERSION + ".jar");
        Path built = Path.of("../skill-archetype/target/cyberia-skill-archetype-" + VERSION + ".jar");
        assumeTrue(
                Files.exists(installed)
                        && Files.exists(built)
                        && !Files.getLastModifiedTime(installed)
                                .toInstant()
                                .isBefore(Files.getLastModifiedTime(built)
                                        .toInstant()
                                        .minusSeconds(5)),
                "this build's archetype is not installed in the local repository: run 'mvn install' (.ci/run does)");

        Result generated = mvn(
                tmp,
                "org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate",
                "-DarchetypeGroupId=dev.cyberia",
                "-DarchetypeArtifactId=cyberia-skill-archetype",
                "-DarchetypeVersion=" + VERSION,
                "-DgroupId=com.example",
                "-DartifactId=word-skills",
                "-Dversion=1.0-SNAPSHOT",
                "-Dpackage=com.example.skills",
                "-DinteractiveMode=false");
        assertThat(generated.exitCode()).as(generated.output()).isZero();
        Path project = tmp.resolve("word-skills");
        assertThat(project.resolve("src/main/java/com/example/skills/WordCount.java"))
                .isRegularFile();
        assertThat(project.resolve("src/main/resources/agent.yaml")).content().contains("com.example.skills.Tipper");

        Result verified = mvn(project, "verify");
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output())
                .contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0")
                .contains("in com.example.skills.WordCountTest")
                .contains("in com.example.skills.TipperTest");
        Path jar = project.resolve("target/word-skills-1.0-SNAPSHOT.jar");

        CliRun.Result install =
                new CliRun(tmp).run("--home", tmp.resolve("home").toString(), "skill", "install", jar.toString());
        assertThat(install.exitCode()).as(install.err()).isZero();
        assertThat(install.out())
                .contains("word_count(text: string)  NONE")
                .contains("sold at 0.01")
                .contains("tip(to: string, amount: string)  MOVES_MONEY");
        assertThat(tmp.resolve("home/skills/word-skills-1.0-SNAPSHOT.jar")).isRegularFile();
    }

    record Result(int exitCode, String output) {}

    /** Maven offline in {@code dir}: what the build already downloaded is all it may use. */
    private static Result mvn(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-o"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("mvn", ".log");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(-1, "timed out\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
