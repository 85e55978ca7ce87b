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
            AgentCommand.class,
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

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
