package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.net.URI;
import java.util.List;

/**
 * What {@code cyberia devnet up} records in {@code HOME/devnet/devnet.json}.
 *
 * @param registry the market registry contract; null in a record written before it existed
 * @param usdc Circle's USDC (FiatTokenV2_2 behind its proxy), after {@code devnet up --usdc}; else null
 * @param faucet the unlocked anvil account that deployed ComputeToken and mints it
 * @param funded addresses funded through {@code devnet fund}
 * @param trust the ERC-8004 identity, reputation and validation registries; null in a record written before them
 */
public record DevnetInfo(
        long chainId,
        URI rpcUrl,
        int port,
        Address token,
        Address registry,
        Address usdc,
        Address faucet,
        long pid,
        List<Address> funded,
        TrustRegistries.Addresses trust) {

    public DevnetInfo {
        funded = List.copyOf(funded);
    }

    DevnetInfo withPid(long newPid) {
        return new DevnetInfo(chainId, rpcUrl, port, token, registry, usdc, faucet, newPid, funded, trust);
    }

    DevnetInfo withFunded(List<Address> newFunded) {
        return new DevnetInfo(chainId, rpcUrl, port, token, registry, usdc, faucet, pid, newFunded, trust);
    }

    DevnetInfo withTrust(TrustRegistries.Addresses newTrust) {
        return new DevnetInfo(chainId, rpcUrl, port, token, registry, usdc, faucet, pid, funded, newTrust);
    }

    DevnetInfo withUsdc(Address newUsdc) {
        return new DevnetInfo(chainId, rpcUrl, port, token, registry, newUsdc, faucet, pid, funded, trust);
    }
}
