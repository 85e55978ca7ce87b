package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;

/**
 * A token's EIP-712 domain, as EIP-3009 signatures commit to it: for ComputeToken
 * {@code ("ComputeToken", "1")}; for USDC on Base {@code ("USD Coin", "2")}. x402 sellers state it in
 * {@code extra.name} and {@code extra.version}.
 */
public record TokenDomain(String name, String version, long chainId, Address verifyingContract) {

    /**
     * The domain a token publishes through EIP-5267 {@code eip712Domain()} (OpenZeppelin tokens,
     * USDC and ComputeToken do).
     *
     * @throws InvalidTreasuryInputException when the contract does not publish one, or for another chain
     */
    public static TokenDomain readFrom(Chain chain, Address token) {
        String result;
        try {
            result = dev.cyberia.treasury.internal.Abi.hex(
                    chain.call(token, dev.cyberia.treasury.internal.Abi.call("eip712Domain()")));
        } catch (RpcErrorException e) {
            throw new InvalidTreasuryInputException(
                    "token " + token + " does not publish its EIP-712 domain (eip712Domain()): " + e.getMessage());
        }
        long chainId = dev.cyberia.treasury.internal.Abi.wordAt(result, 3).longValueExact();
        if (chainId != chain.chainId()) {
            throw new InvalidTreasuryInputException(
                    "token " + token + " signs for chain " + chainId + ", not " + chain.chainId());
        }
        return new TokenDomain(
                dev.cyberia.treasury.internal.Abi.stringAt(result, 1),
                dev.cyberia.treasury.internal.Abi.stringAt(result, 2),
                chainId,
                token);
    }
}
