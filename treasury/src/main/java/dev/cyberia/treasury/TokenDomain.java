package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;

/**
 * A token's EIP-712 domain, as EIP-3009 signatures commit to it: for ComputeToken
 * {@code ("ComputeToken", "1")}; for USDC on Base {@code ("USD Coin", "2")}. x402 sellers state it in
 * {@code extra.name} and {@code extra.version}.
 */
public record TokenDomain(String name, String version, long chainId, Address verifyingContract) {}
