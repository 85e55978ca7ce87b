package dev.cyberia.cli;

import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Facilitator;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --facilitator URL}: sales are settled by this x402 facilitator, which pays the gas, so the
 * selling key needs no ETH. Without it, the seller settles each sale itself.
 */
final class FacilitatorOption {
    @Option(
            names = "--facilitator",
            paramLabel = "URL",
            description = "Hand settlement of sales to this x402 facilitator (it pays the gas: the key needs no ETH).")
    URI facilitator;

    /**
     * The facilitator, checked to settle x402 {@code exact} on this chain.
     *
     * @throws CliInputException when it does not (an unreachable one is a failure at run time)
     */
    Optional<X402Facilitator> resolve(ChainOptions.Resolved chain) {
        if (facilitator == null) {
            return Optional.empty();
        }
        X402Facilitator settler = X402Facilitator.at(facilitator);
        String network = X402.network(chain.chain().chainId());
        if (!settler.supports(network)) {
            throw new CliInputException(
                    "the facilitator at " + facilitator + " does not settle x402 exact on " + network);
        }
        return Optional.of(settler);
    }
}
