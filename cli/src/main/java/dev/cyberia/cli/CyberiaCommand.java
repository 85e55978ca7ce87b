package dev.cyberia.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(
        name = "cyberia",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A runtime for long-lived autonomous agents that hold their own keys.",
        subcommands = {
            KeysCommand.class,
            DevnetCommand.class,
            TreasuryCommand.class,
            InferCommand.class,
            MinerCommand.class,
            ValidatorCommand.class,
            AgentCommand.class,
            SkillCommand.class,
            NodeCommand.class,
            MarketCommand.class,
            QuickstartCommand.class
        },
        footer = {"", "Exit codes: 0 ok, 1 failure at run time, 2 bad usage or bad input."})
final class CyberiaCommand implements Runnable {
    final Environment environment;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Cyberia's home folder (default: $CYBERIA_HOME or ~/.cyberia).")
    Path home;

    @Option(
            names = "--db",
            paramLabel = "JDBC_URL",
            scope = ScopeType.INHERIT,
            description = "Where the node keeps its journal, books and agents: jdbc:postgresql://HOST:PORT/DATABASE"
                    + " (default: $CYBERIA_DB, else the H2 file in the home). The user and password come from"
                    + " $CYBERIA_DB_USER and $CYBERIA_DB_PASSWORD or the file named by $CYBERIA_DB_PASSWORD_FILE,"
                    + " never from the command line.")
    String db;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print one JSON document.")
    boolean json;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Show debug logs, and stack traces on errors.")
    boolean verbose;

    CyberiaCommand(Environment environment) {
        this.environment = environment;
    }

    Path home() {
        if (home != null) {
            return home.toAbsolutePath();
        }
        String fromEnv = environment.variable("CYBERIA_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        return environment.userHome().resolve(".cyberia");
    }

    /** The database chosen by {@code --db} or {@code $CYBERIA_DB}, else the H2 file in the home; opened and migrated. */
    dev.cyberia.treasury.TreasuryDatabase openDatabase() {
        String url = db != null ? db : environment.variable("CYBERIA_DB");
        if (url == null || url.isBlank()) {
            return dev.cyberia.treasury.TreasuryDatabase.forHome(home());
        }
        if (url.matches("(?i).*[?&;]password=.*")) {
            throw new CliInputException(
                    "the database URL carries a password, which would show in process lists and"
                            + " shell histories: put it in $CYBERIA_DB_PASSWORD or in a file named by $CYBERIA_DB_PASSWORD_FILE");
        }
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw new CliInputException(
                    "unsupported database URL '" + url + "': use jdbc:postgresql://HOST:PORT/DATABASE");
        }
        java.util.Optional<String> user = java.util.Optional.ofNullable(environment.variable("CYBERIA_DB_USER"));
        java.util.Optional<String> password =
                java.util.Optional.ofNullable(environment.variable("CYBERIA_DB_PASSWORD"));
        String passwordFile = environment.variable("CYBERIA_DB_PASSWORD_FILE");
        if (passwordFile != null && !passwordFile.isBlank()) {
            try {
                password = java.util.Optional.of(
                        java.nio.file.Files.readString(Path.of(passwordFile)).strip());
            } catch (java.io.IOException e) {
                throw new CliInputException("cannot read the database password file " + passwordFile + ": " + e);
            }
        }
        return dev.cyberia.treasury.TreasuryDatabase.open(url, user, password);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
