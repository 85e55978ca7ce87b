package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Hashes;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A token's EIP-712 domain, as EIP-3009 signatures commit to it: for ComputeToken
 * {@code ("ComputeToken", "1")}; for USDC on Base {@code ("USD Coin", "2")}. x402 sellers state it in
 * {@code extra.name} and {@code extra.version}.
 */
public record TokenDomain(String name, String version, long chainId, Address verifyingContract) {
    private static final byte[] DOMAIN_TYPE_HASH =
            Hashes.keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                    .getBytes(StandardCharsets.US_ASCII));
    /** Versions tried against {@code DOMAIN_SEPARATOR()} when a token has a name but no {@code version()}. */
    private static final List<String> USUAL_VERSIONS = List.of("1", "2");

    /**
     * The domain a token publishes: EIP-5267 {@code eip712Domain()} (OpenZeppelin tokens,
     * ComputeToken); else {@code name()} and {@code version()} (Circle's USDC, FiatToken); else
     * {@code name()} and the version that reproduces its {@code DOMAIN_SEPARATOR()}. A domain read
     * from {@code name()} is checked against {@code DOMAIN_SEPARATOR()} when the token has one.
     *
     * @throws InvalidTreasuryInputException when the token publishes none of these, or another chain's
     */
    public static TokenDomain readFrom(Chain chain, Address token) {
        Optional<String> published = read(chain, token, "eip712Domain()");
        if (published.isPresent()) {
            long chainId = Abi.wordAt(published.get(), 3).longValueExact();
            if (chainId != chain.chainId()) {
                throw new InvalidTreasuryInputException(
                        "token " + token + " signs for chain " + chainId + ", not " + chain.chainId());
            }
            return new TokenDomain(Abi.stringAt(published.get(), 1), Abi.stringAt(published.get(), 2), chainId, token);
        }
        String name = read(chain, token, "name()")
                .map(Abi::string)
                .orElseThrow(() -> new InvalidTreasuryInputException("token " + token
                        + " publishes no EIP-712 domain (no eip712Domain(), no name()): give its name and version"
                        + " with --token-domain NAME:VERSION"));
        Optional<String> version = read(chain, token, "version()").map(Abi::string);
        Optional<byte[]> separator = separator(chain, token);
        if (separator.isEmpty()) {
            return version.map(v -> new TokenDomain(name, v, chain.chainId(), token))
                    .orElseThrow(() -> new InvalidTreasuryInputException("token " + token
                            + " has no version() and no DOMAIN_SEPARATOR(): give its EIP-712 domain with"
                            + " --token-domain '" + name + ":VERSION'"));
        }
        List<String> candidates = new ArrayList<>();
        version.ifPresent(candidates::add);
        USUAL_VERSIONS.stream().filter(v -> !candidates.contains(v)).forEach(candidates::add);
        for (String v : candidates) {
            TokenDomain domain = new TokenDomain(name, v, chain.chainId(), token);
            if (Arrays.equals(domain.separator(), separator.get())) {
                return domain;
            }
        }
        throw new InvalidTreasuryInputException("token " + token + "'s DOMAIN_SEPARATOR() matches neither name '" + name
                + "' with version " + candidates + ": give its EIP-712 domain with --token-domain NAME:VERSION");
    }

    /**
     * A domain a user states for a token (name and version), checked against the token's
     * {@code DOMAIN_SEPARATOR()} when it has one.
     *
     * @throws InvalidTreasuryInputException when the token's separator says otherwise
     */
    public static TokenDomain declared(Chain chain, Address token, String name, String version) {
        TokenDomain domain = new TokenDomain(name, version, chain.chainId(), token);
        Optional<byte[]> separator = separator(chain, token);
        if (separator.isPresent() && !Arrays.equals(separator.get(), domain.separator())) {
            throw new InvalidTreasuryInputException("token " + token + "'s DOMAIN_SEPARATOR() is not that of name '"
                    + name + "' and version '" + version + "': check the name and version you gave");
        }
        return domain;
    }

    /**
     * Parses {@code NAME:VERSION} (the last colon splits) into a domain declared for {@code token}.
     *
     * @throws InvalidTreasuryInputException when the text is not of that form
     */
    public static TokenDomain declared(Chain chain, Address token, String nameAndVersion) {
        int colon = nameAndVersion.lastIndexOf(':');
        if (colon <= 0 || colon == nameAndVersion.length() - 1) {
            throw new InvalidTreasuryInputException(
                    "a token domain is NAME:VERSION, e.g. 'USD Coin:2', got '" + nameAndVersion + "'");
        }
        return declared(chain, token, nameAndVersion.substring(0, colon), nameAndVersion.substring(colon + 1));
    }

    /** The EIP-712 domain separator: what the token's {@code DOMAIN_SEPARATOR()} returns. */
    public byte[] separator() {
        return Hashes.keccak256(
                DOMAIN_TYPE_HASH,
                Hashes.keccak256(name.getBytes(StandardCharsets.UTF_8)),
                Hashes.keccak256(version.getBytes(StandardCharsets.UTF_8)),
                word(BigInteger.valueOf(chainId)),
                word(new BigInteger(1, verifyingContract.toBytes())));
    }

    private static byte[] word(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] w = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, w, 32 - n, n);
        return w;
    }

    private static Optional<byte[]> separator(Chain chain, Address token) {
        return read(chain, token, "DOMAIN_SEPARATOR()").map(Abi::bytes).filter(b -> b.length == 32);
    }

    /** The result of a view call without arguments, or empty when the token reverts or returns nothing. */
    private static Optional<String> read(Chain chain, Address token, String signature) {
        try {
            byte[] result = chain.call(token, Abi.call(signature));
            return result.length == 0 ? Optional.empty() : Optional.of(Abi.hex(result));
        } catch (RpcErrorException e) {
            return Optional.empty();
        }
    }
}
