package dev.cyberia.cli;

import dev.cyberia.agentcore.Ladder;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --ladder standard|demo|FILE}: the autonomy ladder's policy. Without it, {@code
 * $CYBERIA_HOME/ladder.yaml} when it exists, else the standard ladder.
 */
final class LadderOption {
    @Option(
            names = "--ladder",
            paramLabel = "LADDER",
            description = "The autonomy ladder: standard, demo (windows of minutes), or a YAML policy file"
                    + " (default: $CYBERIA_HOME/ladder.yaml if it exists, else standard).")
    String ladder;

    /** Which ladder {@link #resolve} reads, in words. */
    String describe(Path home) {
        if (ladder != null) {
            return "the " + ladder + " ladder";
        }
        return Files.isRegularFile(home.resolve("ladder.yaml")) ? "the home's ladder.yaml" : "the standard ladder";
    }

    Ladder resolve(Path home) {
        if (ladder == null) {
            Path file = home.resolve("ladder.yaml");
            return Files.isRegularFile(file) ? Ladder.read(file) : Ladder.builtIn("standard");
        }
        if (ladder.equals("standard") || ladder.equals("demo")) {
            return Ladder.builtIn(ladder);
        }
        Path file = Path.of(ladder);
        if (!Files.isRegularFile(file)) {
            throw new CliInputException("--ladder '" + ladder + "' is neither standard, demo, nor a file");
        }
        return Ladder.read(file);
    }
}
