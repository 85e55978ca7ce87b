package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.internal.Bip32;
import dev.cyberia.keystore.internal.Hex;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Bip39VectorsTest {

    static Stream<JsonNode> trezorEnglish() {
        return StreamSupport.stream(
                Fixtures.json("vectors/bip39-trezor-english.json")
                        .get("english")
                        .spliterator(),
                false);
    }

    @ParameterizedTest
    @MethodSource("trezorEnglish")
    void trezorVector_entropyGivesMnemonic_seedAndMasterKey(JsonNode vector) {
        byte[] entropy = Hex.decode(vector.get(0).asText(), "entropy");
        String words = vector.get(1).asText();
        try (Mnemonic fromEntropy = Mnemonic.fromEntropy(entropy);
                Mnemonic parsed = Mnemonic.parse(words.toCharArray());
                Passphrase trezor = Fixtures.pass("TREZOR")) {
            assertThat(new String(fromEntropy.phrase())).isEqualTo(words);
            byte[] seed = parsed.seed(trezor);
            assertThat(Hex.encode(seed)).isEqualTo(vector.get(2).asText());
            try (Bip32 master = Bip32.master(seed)) {
                assertThat(master.xprv()).isEqualTo(vector.get(3).asText());
            }
        }
    }

    @Test
    void parse_withWrongChecksum_failsWithClearMessage() {
        char[] phrase =
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"
                        .toCharArray();
        assertThatThrownBy(() -> Mnemonic.parse(phrase))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void parse_withUnknownWord_namesItsPositionNotTheWord() {
        char[] phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandonn about"
                .toCharArray();
        assertThatThrownBy(() -> Mnemonic.parse(phrase))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("word 11")
                .hasMessageNotContaining("abandonn");
    }

    @Test
    void parse_withWrongWordCount_failsWithClearMessage() {
        assertThatThrownBy(() -> Mnemonic.parse("abandon about".toCharArray()))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("12, 15, 18, 21 or 24 words");
    }

    @Test
    void parse_acceptsExtraWhitespaceAndUpperCase() {
        String messy = "  Legal winner THANK year wave sausage worth useful legal winner thank\n\tyellow ";
        try (Mnemonic m = Mnemonic.parse(messy.toCharArray())) {
            assertThat(new String(m.phrase()))
                    .isEqualTo("legal winner thank year wave sausage worth useful legal winner thank yellow");
        }
    }

    @Test
    void generate_givesValidMnemonicsOfTheAskedLength() {
        SecureRandom random = new SecureRandom();
        for (int words : List.of(12, 24)) {
            try (Mnemonic m = Mnemonic.generate(words, random);
                    Mnemonic again = Mnemonic.parse(m.phrase())) {
                assertThat(again.wordCount()).isEqualTo(words);
            }
        }
        assertThatThrownBy(() -> Mnemonic.generate(13, random)).isInstanceOf(InvalidKeyInputException.class);
    }

    @Test
    void mnemonic_neverPrintsItsWords() {
        try (Mnemonic m = Mnemonic.generate(12, new SecureRandom())) {
            assertThat(m.toString()).doesNotContain(new String(m.phrase()).split(" ")[0] + " ");
            assertThat(m.toString()).contains("***");
        }
    }
}
