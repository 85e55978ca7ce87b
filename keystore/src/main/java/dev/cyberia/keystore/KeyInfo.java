package dev.cyberia.keystore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What can be known about a stored key without its passphrase.
 *
 * @param kdf "scrypt" or "pbkdf2"
 * @param derivationPath the BIP-32 path, for keys derived from a mnemonic
 */
public record KeyInfo(
        String name,
        Address address,
        Path file,
        String kdf,
        Instant created,
        KeyOrigin origin,
        Optional<String> derivationPath) {}
