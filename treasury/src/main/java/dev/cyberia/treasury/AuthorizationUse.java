package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.internal.Abi;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Whether an EIP-3009 authorization was used on chain, and by which transaction: what settles an x402 payment. */
final class AuthorizationUse {
    private static final String AUTHORIZATION_USED = Abi.topic("AuthorizationUsed(address,bytes32)");

    private AuthorizationUse() {}

    /**
     * The transaction that used {@code authorizer}'s authorization {@code nonce} of {@code token}
     * ({@code authorizationState}, then its {@code AuthorizationUsed} log from {@code fromBlock}
     * on); empty while it is unused.
     */
    static Optional<Chain.Logged> of(Chain chain, Address token, Address authorizer, String nonce, long fromBlock) {
        byte[] used = chain.call(token, Abi.call("authorizationState(address,bytes32)", authorizer, Abi.bytes(nonce)));
        if (Abi.uint(Abi.hex(used)).signum() == 0) {
            return Optional.empty();
        }
        List<Chain.Logged> logs = chain.logs(
                token,
                List.of(
                        AUTHORIZATION_USED,
                        "0x" + "0".repeat(24)
                                + authorizer.toString().substring(2).toLowerCase(Locale.ROOT),
                        nonce),
                fromBlock);
        return Optional.of(
                logs.isEmpty() ? new Chain.Logged("authorization:" + nonce, chain.blockNumber()) : logs.get(0));
    }
}
