package dev.cyberia.cli;

/** The person at the keyboard, if there is one: secrets are read from and shown on it only. */
interface Terminal {

    /** Whether a person can be asked and shown things (stdin and stdout are a terminal). */
    boolean isInteractive();

    /** Reads a line without echo. The caller wipes the result. */
    char[] readSecret(String prompt);

    /** Shows text on the terminal itself, never on redirected stdout. */
    void show(String text);
}
