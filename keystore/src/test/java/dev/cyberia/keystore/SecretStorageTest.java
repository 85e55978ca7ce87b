package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.internal.EcdsaEngine;
import dev.cyberia.keystore.internal.Hex;
import dev.cyberia.keystore.internal.SecretStorage;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretStorageTest {
    private static final JsonNode VECTORS = Fixtures.json("vectors/web3-secret-storage.json");

    @ParameterizedTest
    @ValueSource(strings = {"wikipage_test_vector_scrypt", "wikipage_test_vector_pbkdf2", "31_byte_key", "30_byte_key"})
    void publishedVector_decryptsToThePublishedKey(String name) {
        JsonNode vector = VECTORS.get(name);
        byte[] key = SecretStorage.decrypt(
                vector.get("json"), Fixtures.pass(vector.get("password").asText()), name);
        String expected = vector.get("priv").asText();
        assertThat(Hex.encode(key)).isEqualTo("0".repeat(64 - expected.length()) + expected);
    }

    @Test
    void ethersKeystores_decryptToTheirKeys() {
        for (JsonNode k : Fixtures.json("ethers/keystores.json").get("keystores")) {
            byte[] key = SecretStorage.decrypt(
                    k.get("keystore"), Fixtures.pass(k.get("password").asText()), "ethers");
            assertThat(Hex.prefixed(key)).isEqualTo(k.get("privateKey").asText());
        }
    }

    @Test
    void encryptThenDecrypt_roundTripsWithBothKdfs() {
        byte[] key = Hex.decode("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "key");
        Address address = Address.fromPublicKey(EcdsaEngine.current().publicKey(key));
        for (Kdf kdf : new Kdf[] {Kdf.LIGHT, new Kdf.Pbkdf2(1000)}) {
            ObjectNode doc = SecretStorage.encrypt(key, address, Fixtures.pass("pw"), kdf, new SecureRandom());
            assertThat(doc.get("crypto").get("kdf").asText()).isEqualTo(kdf.name());
            assertThat(SecretStorage.decrypt(doc, Fixtures.pass("pw"), "x")).isEqualTo(key);
        }
    }

    @Test
    void decrypt_withWrongPassphrase_failsWithClearMessage() {
        JsonNode vector = VECTORS.get("wikipage_test_vector_pbkdf2");
        assertThatThrownBy(() -> SecretStorage.decrypt(vector.get("json"), Fixtures.pass("wrong"), "k.json"))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessage("wrong passphrase for keystore file k.json");
    }

    @Test
    void decrypt_withUnknownKdf_namesTheKdf() {
        ObjectNode doc = VECTORS.get("31_byte_key").get("json").deepCopy();
        ((ObjectNode) doc.get("crypto")).put("kdf", "argon2id");
        assertThatThrownBy(() -> SecretStorage.decrypt(doc, Fixtures.pass("foo"), "k.json"))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("uses kdf 'argon2id'");
    }

    @Test
    void decrypt_withUnknownCipher_namesTheCipher() {
        ObjectNode doc = VECTORS.get("31_byte_key").get("json").deepCopy();
        ((ObjectNode) doc.get("crypto")).put("cipher", "aes-128-cbc");
        assertThatThrownBy(() -> SecretStorage.decrypt(doc, Fixtures.pass("foo"), "k.json"))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("uses cipher 'aes-128-cbc'");
    }

    @Test
    void decrypt_withoutCrypto_saysItIsNotAV3Keystore() {
        ObjectNode doc = VECTORS.get("31_byte_key").get("json").deepCopy();
        doc.remove("crypto");
        assertThatThrownBy(() -> SecretStorage.decrypt(doc, Fixtures.pass("foo"), "k.json"))
                .hasMessage("keystore file k.json is not a v3 keystore (missing 'crypto')");
    }

    @Test
    void decrypt_withAbsurdScryptMemory_refusesBeforeAllocating() {
        ObjectNode doc = VECTORS.get("31_byte_key").get("json").deepCopy();
        ((ObjectNode) doc.get("crypto").get("kdfparams")).put("n", 1 << 30);
        assertThatThrownBy(() -> SecretStorage.decrypt(doc, Fixtures.pass("foo"), "k.json"))
                .hasMessageContaining("more than 1 GiB");
    }

    @Test
    void decrypt_withTamperedCiphertext_failsTheMac() {
        ObjectNode doc = VECTORS.get("31_byte_key").get("json").deepCopy();
        ((ObjectNode) doc.get("crypto"))
                .put("ciphertext", "0517cd5bdbe69076f9bf5057248c6c050141e970efa36ce53692d5d59a3984");
        assertThatThrownBy(() -> SecretStorage.decrypt(doc, Fixtures.pass("foo"), "k.json"))
                .hasMessageContaining("wrong passphrase");
    }
}
