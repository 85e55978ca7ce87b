package dev.cyberia.keystore;

import dev.cyberia.keystore.internal.Bip32;
import dev.cyberia.keystore.internal.Bip39;
import dev.cyberia.keystore.internal.Bytes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A BIP-39 mnemonic (English word list), held in a {@code char[]} that {@link #close()} wipes.
 * Prints as {@code ***}; use {@link #phrase()} to show it to its owner once.
 */
public final class Mnemonic implements AutoCloseable {
    private final char[] phrase;
    private final int wordCount;

    private Mnemonic(char[] phrase, int wordCount) {
        this.phrase = phrase;
        this.wordCount = wordCount;
    }

    /**
     * A new mnemonic of 12 or 24 words from {@code random}.
     *
     * @throws InvalidKeyInputException for another word count
     */
    public static Mnemonic generate(int words, SecureRandom random) {
        if (words != 12 && words != 24) {
            throw new InvalidKeyInputException("a new mnemonic has 12 or 24 words, not " + words);
        }
        byte[] entropy = new byte[words == 12 ? 16 : 32];
        random.nextBytes(entropy);
        try {
            return fromEntropy(entropy);
        } finally {
            Bytes.wipe(entropy);
        }
    }

    /** The mnemonic that encodes 16..32 bytes of entropy. */
    public static Mnemonic fromEntropy(byte[] entropy) {
        int[] indices = Bip39.entropyToIndices(entropy);
        StringBuilder joined = new StringBuilder();
        for (int index : indices) {
            if (!joined.isEmpty()) {
                joined.append(' ');
            }
            joined.append(Bip39.word(index));
        }
        char[] chars = new char[joined.length()];
        joined.getChars(0, joined.length(), chars, 0);
        joined.setLength(0);
        return new Mnemonic(chars, indices.length);
    }

    /**
     * Parses a phrase: words separated by any whitespace, any case. Does not keep {@code text};
     * the caller wipes it.
     *
     * @throws InvalidKeyInputException for a wrong word count, an unknown word, or a bad checksum
     */
    public static Mnemonic parse(char[] text) {
        List<char[]> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length; i++) {
            boolean space = i == text.length || Character.isWhitespace(text[i]);
            if (!space && start < 0) {
                start = i;
            } else if (space && start >= 0) {
                char[] word = new char[i - start];
                for (int j = 0; j < word.length; j++) {
                    word[j] = Character.toLowerCase(text[start + j]);
                }
                words.add(word);
                start = -1;
            }
        }
        try {
            Bip39.validate(words);
            int length = words.size() - 1;
            for (char[] w : words) {
                length += w.length;
            }
            char[] phrase = new char[length];
            int at = 0;
            for (char[] w : words) {
                if (at > 0) {
                    phrase[at++] = ' ';
                }
                System.arraycopy(w, 0, phrase, at, w.length);
                at += w.length;
            }
            return new Mnemonic(phrase, words.size());
        } finally {
            words.forEach(Bytes::wipe);
        }
    }

    public int wordCount() {
        return wordCount;
    }

    /** A copy of the words, single-space separated. The caller wipes it. */
    public char[] phrase() {
        return phrase.clone();
    }

    /** The 64-byte BIP-39 seed. The caller wipes it. */
    public byte[] seed(Passphrase bip39Passphrase) {
        byte[] phraseBytes = new byte[phrase.length];
        for (int i = 0; i < phrase.length; i++) {
            phraseBytes[i] = (byte) phrase[i]; // the English list is ASCII, so NFKD leaves it unchanged
        }
        byte[] salt = bip39Passphrase.utf8(true);
        try {
            return Bip39.seed(phraseBytes, salt);
        } finally {
            Bytes.wipe(phraseBytes);
            Bytes.wipe(salt);
        }
    }

    /** The private key at {@code path} under this mnemonic's seed. The caller wipes it. */
    public byte[] derivePrivateKey(Passphrase bip39Passphrase, DerivationPath path) {
        byte[] seed = seed(bip39Passphrase);
        try (Bip32 master = Bip32.master(seed);
                Bip32 child = master.derive(path)) {
            return child.privateKey();
        } finally {
            Bytes.wipe(seed);
        }
    }

    /**
     * Writes the words, one line, to a new file readable by its owner only (0600), atomically.
     * Never overwrites: fails if {@code file} exists.
     *
     * @throws InvalidKeyInputException when the file exists or its folder cannot be written
     */
    public void writeNewFile(java.nio.file.Path file) {
        byte[] bytes = new byte[phrase.length + 1];
        for (int i = 0; i < phrase.length; i++) {
            bytes[i] = (byte) phrase[i];
        }
        bytes[phrase.length] = '\n';
        try {
            dev.cyberia.keystore.internal.PrivateFiles.writeNew(file, bytes);
        } finally {
            Bytes.wipe(bytes);
        }
    }

    @Override
    public void close() {
        Bytes.wipe(phrase);
    }

    @Override
    public String toString() {
        return "Mnemonic[" + wordCount + " words, ***]";
    }
}
