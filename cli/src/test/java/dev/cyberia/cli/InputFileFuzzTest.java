package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated agent definitions, ladder files and typed-data files, given to the real commands
 * ({@code agent new --from}, {@code keys sign-typed}, and {@code Ladder.read} behind every {@code --ladder}): each is
 * accepted (exit 0) or refused with exit 2 and one line starting {@code error: }, never a stack
 * trace or an "unexpected failure"; a file that is not YAML or JSON at all is refused naming the line
 * and column. {@code -Dcyberia.fuzz.files=N} runs more; the seed is printed.
 */
class InputFileFuzzTest {
    private static final String ETHERS_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

    @TempDir
    Path tmp;

    private static String mutate(String text, Random random) {
        StringBuilder b = new StringBuilder(text);
        String alphabet = " \n\t:-[]{}\"',#&*!|>%@`0123456789abcxyz\u00e9\u0000\\";
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
            int at = random.nextInt(b.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> {
                    if (at < b.length()) {
                        b.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < b.length()) {
                        b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
            }
        }
        return b.toString();
    }

    private static void assertAcceptedOrOneLineRefusal(CliRun.Result r, String input) {
        assertThat(r.exitCode()).as("exit for:\n%s\n%s", input, r.err()).isIn(0, 2);
        if (r.exitCode() == 2) {
            String err = r.err().strip();
            assertThat(err).as("input:\n%s", input).startsWith("error: ").doesNotContain("\n");
            assertThat(err)
                    .doesNotContain("unexpected failure")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void mutatedDefinitionsLaddersAndTypedData_areAcceptedOrRefusedInOneLine() throws IOException {
        int count = Integer.getInteger("cyberia.fuzz.files", 150);
        long seed = Long.getLong("cyberia.fuzz.seed", System.nanoTime());
        System.out.println("InputFileFuzzTest seed " + seed + ", " + count + " files of each kind");
        Random random = new Random(seed);
        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(tmp.resolve("user"));
        cli.variables.put("CYBERIA_HOME", home.toString());
        cli.variables.put("CYBERIA_PASSPHRASE", "fuzz-pass-1");
        Path pk = tmp.resolve("pk");
        Files.writeString(pk, ETHERS_KEY);
        assertThat(cli.run("keys", "import", "pk", "--private-key-file", pk.toString(), "--light-kdf")
                        .exitCode())
                .isZero();
        String definition = Files.readString(Path.of("..", "agents", "scribe", "agent.yaml"));
        String ladder = Files.readString(Path.of(
                "..", "agent-core", "src", "main", "resources", "dev", "cyberia", "agentcore", "ladder", "demo.yaml"));
        String typed = Files.readString(Path.of("src", "test", "resources", "transfer-with-authorization.json"));
        int refusedWithPlace = 0;
        for (int i = 0; i < count; i++) {
            String def = mutate(definition, random);
            Path defFile = tmp.resolve("def-" + i + ".yaml");
            Files.writeString(defFile, def, StandardCharsets.UTF_8);
            CliRun.Result made = cli.run("agent", "new", "fuzz" + i, "--from", defFile.toString(), "--light-kdf");
            assertAcceptedOrOneLineRefusal(made, def);
            if (made.err().contains("line ") && made.err().contains("column ")) {
                refusedWithPlace++;
            }

            String lad = mutate(ladder, random);
            Path ladFile = tmp.resolve("ladder-" + i + ".yaml");
            Files.writeString(ladFile, lad, StandardCharsets.UTF_8);
            try { // what every --ladder FILE goes through; the CLI turns this exception into exit 2
                dev.cyberia.agentcore.Ladder.read(ladFile);
            } catch (dev.cyberia.agentcore.InvalidAgentInputException refused) {
                assertThat(refused.getMessage())
                        .as("ladder:\n%s", lad)
                        .doesNotContain("\n")
                        .isNotBlank();
            }

            String td = mutate(typed, random);
            Path tdFile = tmp.resolve("typed-" + i + ".json");
            Files.writeString(tdFile, td, StandardCharsets.UTF_8);
            assertAcceptedOrOneLineRefusal(cli.run("keys", "sign-typed", "pk", tdFile.toString()), td);
        }
        for (String notYaml : new String[] {"{", "[a, b", "key: [", "\"unterminated", "a: b: c", "- a\nb: c"}) {
            Path f = tmp.resolve("broken.yaml");
            Files.writeString(f, notYaml);
            CliRun.Result r = cli.run("agent", "new", "broken", "--from", f.toString(), "--light-kdf");
            assertThat(r.exitCode()).as(notYaml).isEqualTo(2);
            assertThat(r.err().strip())
                    .as(notYaml)
                    .doesNotContain("\n")
                    .contains("line ")
                    .contains("column ");
        }
        System.out.println("InputFileFuzzTest: " + refusedWithPlace + " definitions refused naming line and column");
    }
}
