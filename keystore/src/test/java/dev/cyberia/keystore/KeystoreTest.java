package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.internal.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreTest {
    private static final String DEV = "test test test test test test test test test test test junk";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path home;

    private Keystore keystore;

    @BeforeEach
    void open() {
        keystore = Keystore.open(home, new SecureRandom(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private KeyInfo importDev(String name, String passphrase) {
        try (Mnemonic m = Mnemonic.parse(DEV.toCharArray())) {
            return keystore.importMnemonic(
                    name,
                    m,
                    Passphrase.empty(),
                    DerivationPath.ethereum(0),
                    Fixtures.pass(passphrase),
                    Kdf.LIGHT,
                    KeyOrigin.MNEMONIC);
        }
    }

    @Test
    void importedMnemonic_isStoredOwnerOnly_andUnlocksToTheRightAddress() throws IOException {
        KeyInfo info = importDev("treasurer", "s3cret-pass");
        assertThat(info.address().toString()).isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assertThat(info.file().getFileName().toString())
                .isEqualTo("treasurer--f39fd6e51aad88f6f4ce6ab8827279cfffb92266.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(info.file())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore.directory())))
                .isEqualTo("rwx------");
        assertThat(info.created()).isEqualTo(NOW);
        assertThat(info.derivationPath()).contains("m/44'/60'/0'/0/0");

        String onDisk = Files.readString(info.file());
        assertThat(onDisk).doesNotContain("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        try (Signer signer = keystore.unlock("treasurer", Fixtures.pass("s3cret-pass"))) {
            assertThat(signer.address()).isEqualTo(info.address());
        }
        assertThat(keystore.info("treasurer")).isEqualTo(info);
        try (Stream<Path> files = Files.list(keystore.directory())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                    .isEmpty();
        }
    }

    @Test
    void unlock_withWrongPassphrase_failsWithClearMessage() {
        importDev("a", "right");
        assertThatThrownBy(() -> keystore.unlock("a", Fixtures.pass("wrong")))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageStartingWith("wrong passphrase for keystore file");
    }

    @Test
    void nameThatExists_isRefused_andNothingIsWritten() throws IOException {
        importDev("agent", "pw");
        byte[] other = Hex.decode("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "key");
        assertThatThrownBy(() -> keystore.importPrivateKey("agent", other, Fixtures.pass("pw"), Kdf.LIGHT))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessage("a key named 'agent' exists already; choose another name");
        assertThat(other).containsOnly(0);
        try (Stream<Path> files = Files.list(keystore.directory())) {
            assertThat(files.filter(p -> !p.getFileName().toString().equals(".lock")))
                    .hasSize(1);
        }
    }

    @Test
    void nameThatSharesAPrefix_isADifferentKey() {
        importDev("agent", "pw");
        byte[] other = Hex.decode("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "key");
        keystore.importPrivateKey("agent--x", other.clone(), Fixtures.pass("pw"), Kdf.LIGHT);
        assertThat(keystore.list().keys()).extracting(KeyInfo::name).containsExactly("agent", "agent--x");
        assertThat(keystore.info("agent").address().toString()).isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    }

    @Test
    void invalidNames_areRefused() {
        for (String bad : List.of("", "../evil", "a b", "-dash", "x".repeat(65))) {
            assertThatThrownBy(() -> keystore.requireNewName(bad)).hasMessageContaining("is not a valid key name");
        }
    }

    @Test
    void privateKeyOutOfRange_isRefused_andNoFileIsWritten() {
        byte[] zero = new byte[32];
        assertThatThrownBy(() -> keystore.importPrivateKey("z", zero, Fixtures.pass("pw"), Kdf.LIGHT))
                .hasMessageContaining("out of range for secp256k1");
        assertThat(Files.exists(keystore.directory())).isFalse();
    }

    @Test
    void ethersKeystoreFile_isImportedWithItsOwnEncryption() throws IOException {
        JsonNode k = Fixtures.json("ethers/keystores.json").get("keystores").get(1);
        Path source = home.resolve("from-ethers.json");
        Files.writeString(source, k.get("keystore").toString());
        KeyInfo info = keystore.importKeystoreFile(
                "imported", source, Fixtures.pass(k.get("password").asText()));
        assertThat(info.address().toString()).isEqualTo(k.get("address").asText());
        assertThat(info.origin()).isEqualTo(KeyOrigin.KEYSTORE_FILE);
        JsonNode stored = Fixtures.JSON.readTree(info.file().toFile());
        assertThat(stored.get("Crypto")).isEqualTo(k.get("keystore").get("Crypto")); // ethers writes "Crypto"
        try (Signer signer =
                keystore.unlock("imported", Fixtures.pass(k.get("password").asText()))) {
            assertThat(signer.address()).isEqualTo(info.address());
        }
    }

    @Test
    void truncatedKeystoreFile_failsWithClearMessage_onImportAndUnlock() throws IOException {
        KeyInfo info = importDev("t", "pw");
        String json = Files.readString(info.file());
        Files.writeString(info.file(), json.substring(0, json.length() / 2));
        assertThatThrownBy(() -> keystore.unlock("t", Fixtures.pass("pw")))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("is corrupted or truncated");
        assertThat(keystore.list().unreadable()).singleElement().asString().contains("corrupted or truncated");

        Path source = home.resolve("half.json");
        Files.writeString(source, json.substring(0, 40));
        assertThatThrownBy(() -> keystore.importKeystoreFile("u", source, Fixtures.pass("pw")))
                .hasMessageContaining("corrupted or truncated");
    }

    @Test
    void keystoreFileWhoseKeyDoesNotMatchItsAddress_isReportedCorrupt() throws IOException {
        KeyInfo info = importDev("m", "pw");
        String json =
                Files.readString(info.file()).replace(info.address().hex(), "70997970c51812dc3a010c7d01b50e0d17dc79c8");
        Files.writeString(info.file(), json);
        assertThatThrownBy(() -> keystore.unlock("m", Fixtures.pass("pw")))
                .hasMessageContaining("is corrupted: its key belongs to");
    }

    @Test
    void homeThatCannotBeCreated_isReportedAsUnwritable_andNothingIsLeft() throws IOException {
        Path file = home.resolve("not-a-folder");
        Files.writeString(file, "x", StandardCharsets.UTF_8);
        Keystore broken = Keystore.open(file.resolve("home"));
        assertThatThrownBy(() -> broken.requireNewName("a"))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("cannot be created")
                .hasMessageContaining("is a file, not a folder; choose another with --home");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void unknownName_pointsToKeysList() {
        assertThatThrownBy(() -> keystore.info("ghost"))
                .hasMessageContaining("no key named 'ghost'")
                .hasMessageContaining("keys list");
    }
}
