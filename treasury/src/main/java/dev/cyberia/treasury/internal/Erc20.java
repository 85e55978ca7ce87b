package dev.cyberia.treasury.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.TreasuryException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;

/** ERC-20 calls, and the compiled contract artifacts (committed by contracts/compile.mjs). */
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

    /** The creation bytecode of a contract compiled into the treasury jar by contracts/compile.mjs. */
    public static byte[] bytecode(String contract) {
        return Abi.bytes(artifact(contract).get("bytecode").asText());
    }

    /**
     * The creation bytecode of a contract that calls external libraries, with each library's
     * placeholders (the artifact's {@code linkReferences}) replaced by its deployed address.
     */
    public static byte[] bytecode(String contract, java.util.Map<String, Address> libraries) {
        JsonNode a = artifact(contract);
        StringBuilder hex = new StringBuilder(a.get("bytecode").asText());
        a.path("linkReferences")
                .forEach(file -> file.fields().forEachRemaining(library -> {
                    Address address = libraries.get(library.getKey());
                    if (address == null) {
                        throw new TreasuryException(contract + " needs library " + library.getKey() + " linked");
                    }
                    String digits = address.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
                    for (JsonNode ref : library.getValue()) {
                        int at = 2 + 2 * ref.get("start").asInt();
                        hex.replace(at, at + 2 * ref.get("length").asInt(), digits);
                    }
                }));
        return Abi.bytes(hex.toString());
    }

    /** The runtime bytecode a deployment of the contract holds, as hex ("0x..."). */
    public static String deployedBytecode(String contract) {
        return artifact(contract).get("deployedBytecode").asText();
    }

    private static JsonNode artifact(String contract) {
        String file = contract + ".json";
        try (InputStream in = Erc20.class.getResourceAsStream("/dev/cyberia/treasury/contracts/" + file)) {
            if (in == null) {
                throw new TreasuryException(file + " is missing from the treasury jar");
            }
            return JsonRpc.JSON.readTree(in);
        } catch (IOException e) {
            throw new TreasuryException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
