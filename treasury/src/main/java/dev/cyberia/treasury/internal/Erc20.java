package dev.cyberia.treasury.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.TreasuryException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;

/** ERC-20 calls, and ComputeToken's compiled artifact (committed by contracts/compile.mjs). */
public final class Erc20 {
    private Erc20() {}

    public static BigInteger balanceOf(Chain chain, Address token, Address owner) {
        return Abi.uint(Abi.hex(chain.call(token, Abi.call("balanceOf(address)", owner))));
    }

    public static int decimals(Chain chain, Address token) {
        return Abi.uint(Abi.hex(chain.call(token, Abi.call("decimals()")))).intValueExact();
    }

    public static String symbol(Chain chain, Address token) {
        return Abi.string(Abi.hex(chain.call(token, Abi.call("symbol()"))));
    }

    public static byte[] transferData(Address to, BigInteger amount) {
        return Abi.call("transfer(address,uint256)", to, amount);
    }

    public static byte[] mintData(Address to, BigInteger amount) {
        return Abi.call("mint(address,uint256)", to, amount);
    }

    /** The creation bytecode of ComputeToken. */
    public static byte[] computeTokenBytecode() {
        try (InputStream in = Erc20.class.getResourceAsStream("/dev/cyberia/treasury/contracts/ComputeToken.json")) {
            if (in == null) {
                throw new TreasuryException("ComputeToken.json is missing from the treasury jar");
            }
            JsonNode artifact = JsonRpc.JSON.readTree(in);
            return Abi.bytes(artifact.get("bytecode").asText());
        } catch (IOException e) {
            throw new TreasuryException("cannot read ComputeToken.json: " + e.getMessage(), e);
        }
    }
}
