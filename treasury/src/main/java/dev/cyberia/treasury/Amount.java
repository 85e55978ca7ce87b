package dev.cyberia.treasury;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An amount of an asset, in integer base units (6 decimals: 1.25 CYB is 1,250,000). Never a
 * double. People type and read it in units ("1.25"); code holds base units.
 */
public record Amount(Asset asset, BigInteger baseUnits) implements Comparable<Amount> {

    public Amount {
        if (baseUnits.signum() < 0) {
            throw new InvalidTreasuryInputException("an amount cannot be negative");
        }
        if (baseUnits.bitLength() > 256) {
            throw new InvalidTreasuryInputException("an amount must fit in 256 bits");
        }
    }

    public static Amount zero(Asset asset) {
        return new Amount(asset, BigInteger.ZERO);
    }

    public static Amount ofBaseUnits(Asset asset, BigInteger baseUnits) {
        return new Amount(asset, baseUnits);
    }

    /**
     * Parses what a person types: {@code "1.25"}, {@code "0.000001"}, {@code "10"}.
     *
     * @throws InvalidTreasuryInputException for text that is not a plain decimal number, a
     *     negative number, or more decimals than the asset has
     */
    public static Amount parse(String text, Asset asset) {
        String trimmed = text == null ? "" : text.trim();
        if (!trimmed.matches("-?[0-9]+(\\.[0-9]+)?|-?\\.[0-9]+")) {
            throw new InvalidTreasuryInputException(
                    "'" + text + "' is not an amount: write a plain number such as 1.25");
        }
        BigDecimal units = new BigDecimal(trimmed);
        if (units.signum() < 0) {
            throw new InvalidTreasuryInputException("an amount cannot be negative, got " + trimmed);
        }
        if (units.stripTrailingZeros().scale() > asset.decimals()) {
            throw new InvalidTreasuryInputException(
                    asset.symbol() + " has " + asset.decimals() + " decimals; '" + trimmed + "' has more");
        }
        return new Amount(asset, units.movePointRight(asset.decimals()).toBigIntegerExact());
    }

    /** Like {@link #parse} but zero is refused too: what a payment needs. */
    public static Amount parsePositive(String text, Asset asset) {
        Amount amount = parse(text, asset);
        if (amount.isZero()) {
            throw new InvalidTreasuryInputException("an amount to send must be more than zero");
        }
        return amount;
    }

    public boolean isZero() {
        return baseUnits.signum() == 0;
    }

    public Amount plus(Amount other) {
        requireSameAsset(other);
        return new Amount(asset, baseUnits.add(other.baseUnits));
    }

    /** {@code this - other}, or zero if other is larger. */
    public Amount minusOrZero(Amount other) {
        requireSameAsset(other);
        BigInteger d = baseUnits.subtract(other.baseUnits);
        return new Amount(asset, d.signum() < 0 ? BigInteger.ZERO : d);
    }

    @Override
    public int compareTo(Amount other) {
        requireSameAsset(other);
        return baseUnits.compareTo(other.baseUnits);
    }

    private void requireSameAsset(Amount other) {
        if (!asset.symbol().equals(other.asset.symbol())) {
            throw new IllegalArgumentException("cannot combine " + asset.symbol() + " with " + other.asset.symbol());
        }
    }

    /** The amount in units, without trailing zeros: {@code "1.25"}. */
    public String units() {
        BigDecimal value = new BigDecimal(baseUnits, asset.decimals()).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
    }

    @Override
    public String toString() {
        return units() + " " + asset.symbol();
    }
}
