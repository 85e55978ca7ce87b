package dev.cyberia.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wall time of {@code ./cyberia --help} as a person runs it: the launcher finding a JDK 21+,
 * checking the build is fresh, and the JVM starting the CLI (with its class-data-sharing
 * archive), compared with a bare {@code java -jar}. Run from the repository root, after a build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 20)
@Fork(1)
public class StartupBenchmark {
    private Path root;
    private String java;

    @Setup
    public void setUp() throws IOException, InterruptedException {
        root = Path.of(System.getProperty("cyberia.root", ".")).toAbsolutePath().normalize();
        if (!Files.isExecutable(root.resolve("cyberia"))) {
            throw new IllegalStateException(
                    "run from the repository root or pass -Dcyberia.root=DIR (no ./cyberia in " + root + ")");
        }
        java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        launcherHelp(); // builds the CLI and its CDS archive if needed, outside the measurement
    }

    @Benchmark
    public int launcherHelp() throws IOException, InterruptedException {
        return run(root.resolve("cyberia").toString(), "--help");
    }

    @Benchmark
    public int bareJavaJarHelp() throws IOException, InterruptedException {
        return run(java, "-jar", root.resolve("cli/target/cyberia.jar").toString(), "--help");
    }

    private int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        int code = process.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + code);
        }
        return code;
    }
}
