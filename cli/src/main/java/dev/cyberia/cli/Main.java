package dev.cyberia.cli;

import dev.cyberia.keystore.InvalidKeyInputException;
import dev.cyberia.keystore.KeystoreException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The {@code cyberia} command. Exit codes: 0 ok, 1 failure at run time, 2 bad usage or bad input. */
public final class Main {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int BAD_INPUT = 2;

    private Main() {}

    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("-v") || arg.equals("--verbose")) {
                System.setProperty("cyberia.log.level", "DEBUG");
            }
        }
        System.exit(commandLine(Environment.system()).execute(args));
    }

    static CommandLine commandLine(Environment environment) {
        CyberiaCommand root = new CyberiaCommand(environment);
        CommandLine cli = new CommandLine(root);
        withHelpEverywhere(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> onError(e, commandLine, root));
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            report(
                    failed.getErr(),
                    failed.getOut(),
                    root.json,
                    e.getMessage() + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')",
                    BAD_INPUT);
            return BAD_INPUT;
        });
        return cli;
    }

    /** Every subcommand answers -h/--help (picocli gives only the root the standard options). */
    private static void withHelpEverywhere(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            withHelpEverywhere(sub);
        }
    }

    private static int onError(Exception e, CommandLine commandLine, CyberiaCommand root) {
        int code = e instanceof CliInputException
                        || e instanceof InvalidKeyInputException
                        || e instanceof dev.cyberia.treasury.InvalidTreasuryInputException
                        || e instanceof dev.cyberia.inference.InvalidModelException
                        || e instanceof dev.cyberia.agentcore.InvalidAgentInputException
                ? BAD_INPUT
                : FAILURE;
        String message = e instanceof CliInputException
                        || e instanceof KeystoreException
                        || e instanceof dev.cyberia.treasury.TreasuryException
                        || e instanceof dev.cyberia.inference.InferenceException
                        || e instanceof dev.cyberia.agentcore.AgentException
                ? e.getMessage()
                : "unexpected failure: " + e;
        if (root.verbose) {
            e.printStackTrace(commandLine.getErr());
        }
        report(commandLine.getErr(), commandLine.getOut(), root.json, message, code);
        return code;
    }

    /**
     * An error is one line: control characters that came in with the input (a newline in a type
     * name, say) are written as escapes, so a message can never span lines or move the terminal.
     */
    static String oneLine(String message) {
        StringBuilder b = new StringBuilder(message.length());
        message.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)
                            || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }

    private static void report(PrintWriter err, PrintWriter out, boolean json, String rawMessage, int code) {
        String message = oneLine(rawMessage == null ? "" : rawMessage);
        if (json) {
            var doc = Json.object();
            doc.put("error", message);
            doc.put("exitCode", code);
            out.println(Json.write(doc));
            out.flush();
        } else {
            err.println("error: " + message);
            err.flush();
        }
    }
}
