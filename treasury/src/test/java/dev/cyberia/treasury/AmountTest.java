package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmountTest {
    private static final Asset CYB = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));

    @ParameterizedTest
    @CsvSource({"1.25,1250000", "0.000001,1", "10,10000000", ".5,500000", "1.250000,1250000", "0,0"})
    void parse_readsUnitsIntoBaseUnits(String text, long base) {
        Amount amount = Amount.parse(text, CYB);
        assertThat(amount.baseUnits()).isEqualTo(BigInteger.valueOf(base));
    }

    @Test
    void units_printWithoutTrailingZeros() {
        assertThat(Amount.ofBaseUnits(CYB, BigInteger.valueOf(1_250_000)).toString())
                .isEqualTo("1.25 CYB");
        assertThat(Amount.ofBaseUnits(CYB, BigInteger.valueOf(10_000_000)).units())
                .isEqualTo("10");
        assertThat(Amount.ofBaseUnits(Asset.ether(), BigInteger.ONE).units()).isEqualTo("0.000000000000000001");
    }

    @Test
    void moreDecimalsThanTheAssetHas_isRefused() {
        assertThatThrownBy(() -> Amount.parse("0.0000001", CYB))
                .isInstanceOf(InvalidTreasuryInputException.class)
                .hasMessage("CYB has 6 decimals; '0.0000001' has more");
    }

    @Test
    void negativeZeroAndJunk_areRefused() {
        assertThatThrownBy(() -> Amount.parse("-1", CYB)).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> Amount.parsePositive("0", CYB)).hasMessageContaining("more than zero");
        assertThatThrownBy(() -> Amount.parse("1e6", CYB)).hasMessageContaining("not an amount");
        assertThatThrownBy(() -> Amount.parse("1,5", CYB)).hasMessageContaining("not an amount");
        assertThatThrownBy(() -> Amount.parse("", CYB)).hasMessageContaining("not an amount");
    }

    @Test
    void assetsDoNotMix() {
        assertThatThrownBy(() -> Amount.parse("1", CYB).plus(Amount.parse("1", Asset.ether())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
