package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.internal.Bip32;
import dev.cyberia.keystore.internal.EcdsaEngine;
import dev.cyberia.keystore.internal.Hex;
import dev.cyberia.keystore.internal.LocalSigner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Bip32VectorsTest {

    static List<Arguments> chains() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode vector : Fixtures.json("vectors/bip32.json").get("vectors")) {
            for (JsonNode chain : vector.get("chains")) {
                out.add(Arguments.of(
                        vector.get("seed").asText(),
                        chain.get(0).asText(),
                        chain.get(1).asText(),
                        chain.get(2).asText()));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("chains")
    void publishedVector_derivesTheSameExtendedKeys(String seedHex, String path, String xpub, String xprv) {
        try (Bip32 master = Bip32.master(Hex.decode(seedHex, "seed"));
                Bip32 child = master.derive(DerivationPath.parse(path))) {
            assertThat(child.xprv()).isEqualTo(xprv);
            assertThat(child.xpub()).isEqualTo(xpub);
        }
    }

    @Test
    void developmentMnemonic_derivesTheWellKnownAnvilAccounts() {
        JsonNode fixture = Fixtures.json("ethers/derivation.json");
        try (Mnemonic devMnemonic =
                Mnemonic.parse(fixture.get("mnemonic").asText().toCharArray())) {
            assertThat(addressAt(devMnemonic, 0)).isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
            for (JsonNode derived : fixture.get("derived")) {
                DerivationPath path = DerivationPath.parse(derived.get("path").asText());
                byte[] key = devMnemonic.derivePrivateKey(Passphrase.empty(), path);
                try (Signer signer = new LocalSigner(key, EcdsaEngine.current())) {
                    assertThat(signer.address().toString())
                            .isEqualTo(derived.get("address").asText());
                }
            }
        }
    }

    private static String addressAt(Mnemonic mnemonic, int index) {
        byte[] key = mnemonic.derivePrivateKey(Passphrase.empty(), DerivationPath.ethereum(index));
        try (Signer signer = new LocalSigner(key, EcdsaEngine.current())) {
            return signer.address().toString();
        }
    }

    @Test
    void derivationPath_parsesAndPrintsHardenedMarks() {
        assertThat(DerivationPath.parse("m/44h/60H/0'/0/7")).isEqualTo(DerivationPath.ethereum(7));
        assertThat(DerivationPath.ethereum(7).toString()).isEqualTo("m/44'/60'/0'/0/7");
        assertThatThrownBy(() -> DerivationPath.parse("44'/60'")).hasMessageContaining("starts with 'm/'");
        assertThatThrownBy(() -> DerivationPath.parse("m/2147483648")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> DerivationPath.parse("m/x")).hasMessageContaining("not an index");
    }
}
