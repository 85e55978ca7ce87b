package dev.cyberia.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Runs the real command line in-process with captured output and an injected environment. */
final class CliRun {
    final Map<String, String> variables = new HashMap<>();
    FakeTerminal terminal = new FakeTerminal(false);
    private final Path userHome;

    CliRun(Path userHome) {
        this.userHome = userHome;
    }

    record Result(int exitCode, String out, String err) {}

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine(
                new Environment(Map.copyOf(variables), terminal, new SecureRandom(), Clock.systemUTC(), userHome));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
