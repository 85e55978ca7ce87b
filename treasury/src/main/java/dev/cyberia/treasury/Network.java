package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A public chain agents pay on, with the USDC that x402 buyers hold there (Circle's FiatToken,
 * EIP-3009): with a preset, a user needs only an RPC URL of that chain.
 *
 * @param name what {@code --network} calls it
 * @param chainId the EVM chain id; its CAIP-2 id is {@code eip155:<chainId>}
 * @param usdc Circle's USDC contract on it
 */
public record Network(String name, long chainId, Address usdc) {
    public static final Network BASE =
            new Network("base", 8453, Address.parse("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"));
    public static final Network BASE_SEPOLIA =
            new Network("base-sepolia", 84532, Address.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e"));
    public static final List<Network> PRESETS = List.of(BASE, BASE_SEPOLIA);

    /** The CAIP-2 id x402 names it by: {@code eip155:8453}. */
    public String caip2() {
        return X402.network(chainId);
    }

    /**
     * The preset called {@code name} (case-insensitive), or by its CAIP-2 id.
     *
     * @throws InvalidTreasuryInputException naming the presets, when there is none such
     */
    public static Network named(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return PRESETS.stream()
                .filter(n -> n.name.equals(wanted) || n.caip2().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new InvalidTreasuryInputException("unknown network '" + name + "': use one of "
                        + PRESETS.stream().map(Network::name).collect(Collectors.joining(", "))
                        + ", or give --rpc, --chain-id and --token"));
    }
}
