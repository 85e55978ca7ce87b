package dev.cyberia.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** {@link Terminal} on {@link System#console()}. */
final class SystemTerminal implements Terminal {

    @Override
    public boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // JDK 22+ returns a console even when redirected; isTerminal() tells the truth there
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public char[] readSecret(String prompt) {
        Console console = System.console();
        if (console == null) {
            throw new CliInputException("no terminal to ask for a secret on");
        }
        char[] line = console.readPassword("%s", prompt);
        if (line == null) {
            throw new CliInputException("no input: the terminal was closed while asking for a secret");
        }
        return line;
    }

    @Override
    public void show(String text) {
        Console console = System.console();
        if (console == null) {
            throw new CliInputException("no terminal to show a secret on");
        }
        console.writer().println(text);
        console.writer().flush();
    }
}
