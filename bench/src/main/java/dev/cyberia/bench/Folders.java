package dev.cyberia.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** What a benchmark made on disk, removed when it ends (a 10,000-agent home is hundreds of MiB). */
final class Folders {
    private Folders() {}

    /** Removes {@code folder} and everything in it; says so on stderr when it cannot. */
    static void delete(Path folder) {
        try (var files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + folder + ": " + e);
        }
    }
}
