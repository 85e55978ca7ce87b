package dev.cyberia.keystore;

/** The key-derivation function that protects a keystore file. */
public sealed interface Kdf permits Kdf.Scrypt, Kdf.Pbkdf2 {

    /** geth's standard: n=262144, r=8, p=1 (about 256 MiB and around a second per unlock). */
    Scrypt STANDARD = new Scrypt(262144, 8, 1);

    /** geth's {@code --lightkdf}: n=4096, r=8, p=6; for tests and throwaway keys only. */
    Scrypt LIGHT = new Scrypt(4096, 8, 6);

    String name();

    record Scrypt(int n, int r, int p) implements Kdf {
        public Scrypt {
            if (n < 2 || (n & (n - 1)) != 0) {
                throw new InvalidKeyInputException("scrypt n must be a power of two greater than 1, got " + n);
            }
            if (r < 1 || p < 1 || (long) r * p >= (1L << 30)) {
                throw new InvalidKeyInputException("scrypt r and p must be positive with r*p < 2^30");
            }
        }

        @Override
        public String name() {
            return "scrypt";
        }
    }

    record Pbkdf2(int iterations) implements Kdf {
        public Pbkdf2 {
            if (iterations < 1) {
                throw new InvalidKeyInputException("pbkdf2 needs at least one iteration");
            }
        }

        @Override
        public String name() {
            return "pbkdf2";
        }
    }
}
