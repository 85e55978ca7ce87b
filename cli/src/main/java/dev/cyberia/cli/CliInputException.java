package dev.cyberia.cli;

/** Bad usage or bad input found by the CLI itself: exit code 2 and one line. */
final class CliInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliInputException(String message) {
        super(message);
    }
}
