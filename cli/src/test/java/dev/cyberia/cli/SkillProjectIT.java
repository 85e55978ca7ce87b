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
        boolean current = Files.exists(installed)
                && Files.exists(built)
                && !Files.getLastModifiedTime(installed)
                        .toInstant()
                        .isBefore(Files.getLastModifiedTime(built).toInstant().minusSeconds(5));
        String why =
                "this build's archetype is not installed in the local repository: run 'mvn install' (.ci/run does)";
        if ("true".equals(System.getenv("CI"))) {
            assertThat(current).as(why).isTrue(); // CI installs as it builds: never skipped there
        } else {
            assumeTrue(current, why);
        }

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

        // a node on that home finds the installed skills: the project's agent sells word_count, another buys it
        sellsInARunningNode(project);
    }

    private void sellsInARunningNode(Path project) throws Exception {
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(tmp);
        cli.variables.put("CYBERIA_HOME", home.toString());
        cli.variables.put("CYBERIA_PASSPHRASE", "skill-project-pass");
        int[] ports = new int[2];
        for (int i = 0; i < ports.length; i++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
        }
        assertThat(cli.run("devnet", "up", "--port", Integer.toString(ports[0])).exitCode())
                .isZero();
        Process node = null;
        try {
            newAgent(cli, "counter", project.resolve("src/main/resources/agent.yaml"));
            Path buyer = tmp.resolve("buyer.yaml");
            Files.writeString(buyer, """
                    purpose: Get words counted by whoever sells it.
                    tier: AGENT
                    heartbeat: 5s
                    policy: {httpHosts: [127.0.0.1]}
                    routine:
                      - skill: hire
                        args: {skill: "word_count", arguments: "{\\"text\\": \\"one two three\\"}", maxPrice: "0.05"}
                    """);
            newAgent(cli, "buyer", buyer);
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(
                            java,
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "dev.cyberia.cli.Main",
                            "node",
                            "start",
                            "--shop-port",
                            Integer.toString(ports[1]),
                            "--dashboard-port",
                            "-1")
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("node.log").toFile());
            pb.environment().put("CYBERIA_HOME", home.toString());
            pb.environment().put("CYBERIA_PASSPHRASE", "skill-project-pass");
            node = pb.start();
            for (String agent : List.of("counter", "buyer")) {
                CliRun.Result launched = cli.run("agent", "launch", agent, "--detach");
                assertThat(launched.exitCode()).as(launched.err()).isZero();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            Path actions = home.resolve("agents/counter/actions.jsonl");
            while (true) {
                String log = Files.exists(actions) ? Files.readString(actions) : "";
                if (log.contains("\"type\":\"PaymentReceived\"") && log.contains("sold word_count")) {
                    break;
                }
                assertThat(System.nanoTime())
                        .as(
                                "the installed skill sold in the node; node log:\n%s",
                                Files.readString(tmp.resolve("node.log")))
                        .isLessThan(deadline);
                Thread.sleep(250);
            }
            CliRun.Result status = cli.run("--json", "agent", "status", "counter");
            assertThat(status.exitCode()).as(status.err()).isZero();
            com.fasterxml.jackson.databind.JsonNode books = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(status.out())
                    .path("books");
            assertThat(books.path("sales").asInt()).as("%s", books).isGreaterThanOrEqualTo(1);
            assertThat(books.path("income").asText()).isNotEqualTo("0 CYB");
        } finally {
            cli.run("node", "stop");
            if (node != null && !node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
            cli.run("devnet", "down");
        }
    }

    private static void newAgent(CliRun cli, String name, Path yaml) {
        CliRun.Result made = cli.run("--json", "agent", "new", name, "--from", yaml.toString(), "--light-kdf");
        assertThat(made.exitCode()).as(made.err() + made.out()).isZero();
        String address = made.out().replaceAll("(?s).*\"address\"\\s*:\\s*\"(0x[0-9a-fA-F]{40})\".*", "$1");
        CliRun.Result funded = cli.run("devnet", "fund", address);
        assertThat(funded.exitCode()).as(funded.err()).isZero();
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
