package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.util.Optional;

/**
 * Something a wallet holds: the chain's native coin, or an ERC-20 token at an address.
 *
 * @param symbol what people call it ("ETH", "CYB")
 * @param decimals base units per unit = 10^decimals
 * @param token the token contract, empty for the native coin
 */
public record Asset(String symbol, int decimals, Optional<Address> token) {

    public Asset {
        if (symbol == null || !symbol.matches("[A-Z][A-Z0-9]{0,15}")) {
            throw new InvalidTreasuryInputException(
                    "an asset symbol is 1-16 upper-case letters or digits, got '" + symbol + "'");
        }
        if (decimals < 0 || decimals > 36) {
            throw new InvalidTreasuryInputException("decimals must be 0..36, got " + decimals);
        }
    }

    public static Asset ether() {
        return new Asset("ETH", 18, Optional.empty());
    }

    public static Asset token(String symbol, int decimals, Address contract) {
        return new Asset(symbol, decimals, Optional.of(contract));
    }

    /** The token at {@code contract}, with the symbol and decimals the contract reports. */
    public static Asset readFrom(Chain chain, Address contract) {
        return token(
                dev.cyberia.treasury.internal.Erc20.symbol(chain, contract),
                dev.cyberia.treasury.internal.Erc20.decimals(chain, contract),
                contract);
    }

    public boolean isNative() {
        return token.isEmpty();
    }

    /** The ledger account of this asset in a wallet, e.g. {@code assets:wallet:CYB}. */
    public String walletAccount() {
        return "assets:wallet:" + symbol;
    }

    /** What a buyer holds of this asset in x402 channels (deposited, not yet charged): {@code assets:channels:CYB}. */
    public String channelAccount() {
        return "assets:channels:" + symbol;
    }

    /** What a seller is owed in this asset on x402 channels (charged, not yet paid out): {@code assets:receivable:CYB}. */
    public String receivableAccount() {
        return "assets:receivable:" + symbol;
    }
}
