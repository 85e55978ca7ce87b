package dev.cyberia.cli;

import dev.cyberia.keystore.Passphrase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a passphrase comes from, in this order: {@code --passphrase-file F} (its first line),
 * the {@code CYBERIA_PASSPHRASE} variable, or a no-echo prompt on the terminal.
 */
final class Passphrases {
    static final String VARIABLE = "CYBERIA_PASSPHRASE";

    private Passphrases() {}

    /** The passphrase of an existing key. */
    static Passphrase existing(Path file, Environment env, String prompt) {
        return resolve(file, env, prompt, false);
    }

    /** A passphrase for a new key: asked twice on a terminal, never empty. */
    static Passphrase forNewKey(Path file, Environment env, String prompt) {
        Passphrase passphrase = resolve(file, env, prompt, true);
        if (passphrase.isEmpty()) {
            passphrase.close();
            throw new CliInputException("the passphrase is empty; a key needs one to be encrypted on disk");
        }
        return passphrase;
    }

    private static Passphrase resolve(Path file, Environment env, String prompt, boolean confirm) {
        if (file != null) {
            return Passphrase.wrap(firstLine(readSecretFile(file, "passphrase file")));
        }
        String fromEnv = env.variable(VARIABLE);
        if (fromEnv != null) {
            return Passphrase.wrap(fromEnv.toCharArray());
        }
        Terminal terminal = env.terminal();
        if (!terminal.isInteractive()) {
            throw new CliInputException(
                    "no passphrase given: use --passphrase-file FILE, set " + VARIABLE + ", or run in a terminal");
        }
        Passphrase first = Passphrase.wrap(terminal.readSecret(prompt));
        if (confirm) {
            try (Passphrase again = Passphrase.wrap(terminal.readSecret("Repeat the passphrase: "))) {
                if (!first.sameAs(again)) {
                    first.close();
                    throw new CliInputException("the two passphrases differ; nothing was written");
                }
            }
        }
        return first;
    }

    /** A file's text as chars, for secrets; the bytes read are wiped. The caller wipes the result. */
    static char[] readSecretFile(Path file, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliInputException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new CliInputException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] out = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return out;
        } catch (CharacterCodingException e) {
            throw new CliInputException(what + " " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The first line without its line ending; wipes {@code text}. */
    static char[] firstLine(char[] text) {
        int end = 0;
        while (end < text.length && text[end] != '\n' && text[end] != '\r') {
            end++;
        }
        char[] line = Arrays.copyOf(text, end);
        Arrays.fill(text, '\0');
        return line;
    }
}
