package dev.cyberia.cli.archviolation;

/** Breaks the module rules on purpose, so ArchitectureTest can show that its rules catch it. */
final class UsesKeystoreInternals {
    String encode(byte[] bytes) {
        return dev.cyberia.keystore.internal.Hex.encode(bytes);
    }
}
