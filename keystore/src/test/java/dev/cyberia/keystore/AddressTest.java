package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {

    /** The examples of EIP-55. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
                "0x52908400098527886E0F7030069857D2E4169EE7",
                "0xde709f2102306220921060314715629080e2fb77"
            })
    void eip55Examples_roundTrip(String text) {
        assertThat(Address.parse(text).toString()).isEqualTo(text);
        assertThat(Address.parse(text.toLowerCase(Locale.ROOT)).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "0xFb6916095ca1df60bB79Ce92cE3Ea74c37c5d359"})
    void parse_withWrongChecksum_failsWithClearMessage(String text) {
        assertThatThrownBy(() -> Address.parse(text))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("wrong EIP-55 checksum");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "0x1234",
                "0xzzzeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
            })
    void parse_withNonAddress_failsWithClearMessage(String text) {
        assertThatThrownBy(() -> Address.parse(text))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("is not an address");
    }
}
