package dev.cyberia.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/** What a command may take from outside: variables, the terminal, randomness, time. Injected so tests can fake it. */
record Environment(Map<String, String> variables, Terminal terminal, SecureRandom random, Clock clock, Path userHome) {

    static Environment system() {
        return new Environment(
                System.getenv(),
                new SystemTerminal(),
                new SecureRandom(),
                Clock.systemUTC(),
                Path.of(System.getProperty("user.home")));
    }

    String variable(String name) {
        return variables.get(name);
    }
}
