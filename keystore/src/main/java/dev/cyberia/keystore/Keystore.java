package dev.cyberia.keystore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.internal.Bytes;
import dev.cyberia.keystore.internal.EcdsaEngine;
import dev.cyberia.keystore.internal.LocalSigner;
import dev.cyberia.keystore.internal.PrivateFiles;
import dev.cyberia.keystore.internal.Secp256k1;
import dev.cyberia.keystore.internal.SecretStorage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys of one Cyberia home: one Web3 Secret Storage v3 file per key in {@code HOME/keys/},
 * named {@code NAME--ADDRESS.json}, 0600 in a 0700 folder, written atomically and never
 * overwritten. The files are plain v3 keystores (geth, ethers and MetaMask read them); Cyberia's
 * own facts (name, created, origin, path) sit beside the standard fields under {@code x-cyberia}.
 *
 * <p>Private keys leave a file only inside a {@link Signer}.
 */
public final class Keystore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long MAX_KEYSTORE_FILE_BYTES = 64 * 1024;
    private static final String META = "x-cyberia";

    private final Path keysDirectory;
    private final SecureRandom random;
    private final Clock clock;
    private final EcdsaEngine engine = EcdsaEngine.current();

    private Keystore(Path keysDirectory, SecureRandom random, Clock clock) {
        this.keysDirectory = keysDirectory;
        this.random = random;
        this.clock = clock;
    }

    /** The keystore under {@code home/keys}; nothing is created until a key is written. */
    public static Keystore open(Path home) {
        return open(home, new SecureRandom(), Clock.systemUTC());
    }

    public static Keystore open(Path home, SecureRandom random, Clock clock) {
        return new Keystore(home.resolve("keys"), random, clock);
    }

    public Path directory() {
        return keysDirectory;
    }

    /**
     * Fails unless {@code name} is a valid key name that no stored key uses, and the folder can
     * be written. Call before showing a new mnemonic, so nothing is shown for a key that cannot be saved.
     *
     * @throws InvalidKeyInputException naming the problem
     */
    public void requireNewName(String name) {
        checkName(name);
        PrivateFiles.ensureDirectory(keysDirectory.getParent(), "home folder");
        PrivateFiles.ensureDirectory(keysDirectory, "keys folder");
        if (find(name).isPresent()) {
            throw new InvalidKeyInputException("a key named '" + name + "' exists already; choose another name");
        }
    }

    /** Stores the key at {@code path} under a mnemonic, encrypted with {@code passphrase}. */
    /**
     * Makes a key from a new 12-word mnemonic at the first Ethereum account ({@code m/44'/60'/0'/0/0})
     * and keeps only the key: for keys a program makes for itself (agents, miners), whose only copy
     * is the encrypted file.
     */
    public KeyInfo generate(String name, Passphrase passphrase, Kdf kdf) {
        requireNewName(name);
        try (Mnemonic mnemonic = Mnemonic.generate(12, random)) {
            return importMnemonic(
                    name,
                    mnemonic,
                    Passphrase.empty(),
                    DerivationPath.ethereum(0),
                    passphrase,
                    kdf,
                    KeyOrigin.GENERATED);
        }
    }

    public KeyInfo importMnemonic(
            String name,
            Mnemonic mnemonic,
            Passphrase bip39Passphrase,
            DerivationPath path,
            Passphrase passphrase,
            Kdf kdf,
            KeyOrigin origin) {
        requireNewName(name);
        byte[] key = mnemonic.derivePrivateKey(bip39Passphrase, path);
        return store(name, key, passphrase, kdf, origin, Optional.of(path.toString()));
    }

    /**
     * Stores a raw 32-byte private key, encrypted with {@code passphrase}. Wipes {@code privateKey}.
     *
     * @throws InvalidKeyInputException when the key is out of range or the name is taken
     */
    public KeyInfo importPrivateKey(String name, byte[] privateKey, Passphrase passphrase, Kdf kdf) {
        try {
            if (!Secp256k1.isValidPrivateKey(privateKey)) {
                throw new InvalidKeyInputException(
                        "private key is out of range for secp256k1 (it must be 32 bytes, from 1 to n-1)");
            }
            requireNewName(name);
            return store(name, privateKey.clone(), passphrase, kdf, KeyOrigin.PRIVATE_KEY, Optional.empty());
        } finally {
            Bytes.wipe(privateKey);
        }
    }

    /**
     * Stores a copy of an existing v3 keystore file, keeping its own encryption (and so its
     * passphrase and KDF), after checking that {@code passphrase} opens it.
     */
    public KeyInfo importKeystoreFile(String name, Path source, Passphrase passphrase) {
        checkName(name);
        ObjectNode doc = readDocument(source);
        byte[] key = SecretStorage.decrypt(doc, passphrase, source.toString());
        Address address;
        try {
            address = Address.fromPublicKey(engine.publicKey(key));
        } finally {
            Bytes.wipe(key);
        }
        requireNewName(name);
        doc.put("address", address.hex());
        return write(name, address, doc, KeyOrigin.KEYSTORE_FILE, Optional.empty());
    }

    private KeyInfo store(
            String name, byte[] key, Passphrase passphrase, Kdf kdf, KeyOrigin origin, Optional<String> path) {
        try {
            Address address = Address.fromPublicKey(engine.publicKey(key));
            ObjectNode doc = SecretStorage.encrypt(key, address, passphrase, kdf, random);
            return write(name, address, doc, origin, path);
        } finally {
            Bytes.wipe(key);
        }
    }

    private KeyInfo write(String name, Address address, ObjectNode doc, KeyOrigin origin, Optional<String> path) {
        Instant created = clock.instant();
        ObjectNode meta = doc.putObject(META);
        meta.put("name", name);
        meta.put("created", created.toString());
        meta.put("origin", origin.name());
        path.ifPresent(p -> meta.put("derivationPath", p));
        Path file = keysDirectory.resolve(name + "--" + address.hex() + ".json");
        try (AutoCloseable lock = PrivateFiles.lock(keysDirectory)) {
            if (find(name).isPresent()) {
                throw new InvalidKeyInputException("a key named '" + name + "' exists already; choose another name");
            }
            PrivateFiles.writeNew(file, JSON.writeValueAsBytes(doc));
        } catch (KeystoreException e) {
            throw e;
        } catch (Exception e) {
            throw new KeystoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new KeyInfo(name, address, file, SecretStorage.kdfName(doc, file.toString()), created, origin, path);
    }

    /** The stored keys, by name; files that cannot be read are listed in {@link Listing#unreadable()}. */
    public Listing list() {
        List<KeyInfo> keys = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        if (!Files.isDirectory(keysDirectory)) {
            return new Listing(keys, unreadable);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(keysDirectory, "*--*.json")) {
            for (Path file : files) {
                try {
                    keys.add(describe(file));
                } catch (KeystoreException e) {
                    unreadable.add(e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new KeystoreException("cannot list " + keysDirectory + ": " + e.getMessage(), e);
        }
        keys.sort(Comparator.comparing(KeyInfo::name));
        return new Listing(keys, unreadable);
    }

    /** The outcome of {@link #list()}. */
    public record Listing(List<KeyInfo> keys, List<String> unreadable) {}

    /**
     * What is known about a key without its passphrase.
     *
     * @throws InvalidKeyInputException when there is no such key or its file is corrupt
     */
    public KeyInfo info(String name) {
        return describe(fileOf(name));
    }

    /**
     * Decrypts a key into a {@link Signer}. The key stays inside the signer; close it when done.
     *
     * @throws InvalidKeyInputException for an unknown name, a wrong passphrase or a corrupt file
     */
    public Signer unlock(String name, Passphrase passphrase) {
        Path file = fileOf(name);
        ObjectNode doc = readDocument(file);
        byte[] key = SecretStorage.decrypt(doc, passphrase, file.toString());
        LocalSigner signer = new LocalSigner(key, engine);
        Address recorded = addressOf(doc, file);
        if (!signer.address().equals(recorded)) {
            signer.close();
            throw new InvalidKeyInputException("keystore file " + file + " is corrupted: its key belongs to "
                    + signer.address() + ", not to the recorded " + recorded);
        }
        return signer;
    }

    private Path fileOf(String name) {
        checkName(name);
        return find(name)
                .orElseThrow(() -> new InvalidKeyInputException(
                        "no key named '" + name + "' in " + keysDirectory + "; see 'cyberia keys list'"));
    }

    private Optional<Path> find(String name) {
        if (!Files.isDirectory(keysDirectory)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(keysDirectory, name + "--*.json")) {
            for (Path file : files) {
                String rest = file.getFileName().toString().substring(name.length() + 2);
                if (rest.length() == 45) { // 40 hex digits + ".json": not a longer name that shares the prefix
                    return Optional.of(file);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new KeystoreException("cannot read " + keysDirectory + ": " + e.getMessage(), e);
        }
    }

    private KeyInfo describe(Path file) {
        ObjectNode doc = readDocument(file);
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.lastIndexOf("--"));
        JsonNode meta = doc.path(META);
        Instant created;
        try {
            created = meta.has("created")
                    ? Instant.parse(meta.get("created").asText())
                    : Files.getLastModifiedTime(file).toInstant();
        } catch (DateTimeParseException | IOException e) {
            throw new InvalidKeyInputException("keystore file " + file + " is corrupted: bad 'created' time");
        }
        KeyOrigin origin;
        try {
            origin = KeyOrigin.valueOf(meta.path("origin").asText(KeyOrigin.KEYSTORE_FILE.name()));
        } catch (IllegalArgumentException e) {
            origin = KeyOrigin.KEYSTORE_FILE;
        }
        Optional<String> path = meta.has("derivationPath")
                ? Optional.of(meta.get("derivationPath").asText())
                : Optional.empty();
        return new KeyInfo(
                name, addressOf(doc, file), file, SecretStorage.kdfName(doc, file.toString()), created, origin, path);
    }

    private static Address addressOf(JsonNode doc, Path file) {
        String hex = doc.path("address").asText("");
        try {
            return Address.parse(hex.startsWith("0x") ? hex : "0x" + hex);
        } catch (InvalidKeyInputException e) {
            throw new InvalidKeyInputException(
                    "keystore file " + file + " is corrupted: 'address' is missing or invalid");
        }
    }

    private static ObjectNode readDocument(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_KEYSTORE_FILE_BYTES) {
                throw new InvalidKeyInputException("keystore file " + file + " is too large to be a keystore");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidKeyInputException("keystore file " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidKeyInputException("cannot read keystore file " + file + ": " + e.getMessage());
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new InvalidKeyInputException("keystore file " + file + " is corrupted: not a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new InvalidKeyInputException("keystore file " + file + " is corrupted or truncated: not valid JSON");
        } catch (IOException e) {
            throw new InvalidKeyInputException("cannot read keystore file " + file + ": " + e.getMessage());
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidKeyInputException(
                    "'" + name + "' is not a valid key name: use 1-64 letters, digits, '-' or '_',"
                            + " starting with a letter or digit");
        }
    }
}
