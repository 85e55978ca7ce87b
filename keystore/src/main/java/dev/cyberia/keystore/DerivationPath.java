package dev.cyberia.keystore;

import java.util.ArrayList;
import java.util.List;

/**
 * A BIP-32 path such as {@code m/44'/60'/0'/0/0}. Hardened indices carry bit 31; {@code '},
 * {@code h} and {@code H} all mark them when parsing.
 */
public record DerivationPath(List<Integer> indices) {
    private static final int HARDENED = 0x80000000;

    public DerivationPath {
        indices = List.copyOf(indices);
    }

    /** The Ethereum account path of BIP-44: {@code m/44'/60'/0'/0/index}. */
    public static DerivationPath ethereum(int index) {
        if (index < 0) {
            throw new InvalidKeyInputException("an account index is 0 or more, got " + index);
        }
        return new DerivationPath(List.of(44 | HARDENED, 60 | HARDENED, HARDENED, 0, index));
    }

    /**
     * Parses {@code m/...}.
     *
     * @throws InvalidKeyInputException when the text is not a path
     */
    public static DerivationPath parse(String text) {
        String[] parts = text.trim().split("/");
        if (!parts[0].equals("m")) {
            throw new InvalidKeyInputException(
                    "a derivation path starts with 'm/', e.g. m/44'/60'/0'/0/0; got '" + text + "'");
        }
        List<Integer> indices = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            boolean hardened = part.endsWith("'") || part.endsWith("h") || part.endsWith("H");
            String digits = hardened ? part.substring(0, part.length() - 1) : part;
            long value;
            try {
                value = Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new InvalidKeyInputException("derivation path '" + text + "': '" + part + "' is not an index");
            }
            if (value < 0 || value >= (1L << 31)) {
                throw new InvalidKeyInputException(
                        "derivation path '" + text + "': index " + digits + " is out of range");
            }
            indices.add((int) value | (hardened ? HARDENED : 0));
        }
        return new DerivationPath(indices);
    }

    public static boolean isHardened(int index) {
        return (index & HARDENED) != 0;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("m");
        for (int index : indices) {
            out.append('/').append(index & ~HARDENED);
            if (isHardened(index)) {
                out.append('\'');
            }
        }
        return out.toString();
    }
}
