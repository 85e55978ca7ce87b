package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signatures;
import dev.cyberia.keystore.Signer;
import dev.cyberia.keystore.TypedData;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A signed EIP-3009 {@code TransferWithAuthorization}: {@code from} lets anyone move {@code value}
 * base units to {@code to} between {@code validAfter} and {@code validBefore} (Unix seconds), once
 * (the random 32-byte {@code nonce}). The payer needs no ETH: whoever submits it pays the gas. This
 * is the payload of an x402 {@code exact} payment on EVM.
 */
public record TransferAuthorization(
        TokenDomain domain,
        Address from,
        Address to,
        BigInteger value,
        BigInteger validAfter,
        BigInteger validBefore,
        String nonce,
        Signature signature) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Signs an authorization with the payer's key, through the keystore.
     *
     * @throws InvalidTreasuryInputException when the window is empty or the amount is zero
     */
    public static TransferAuthorization sign(
            Signer payer,
            TokenDomain domain,
            Address to,
            Amount value,
            Instant validAfter,
            Instant validBefore,
            SecureRandom random) {
        if (value.isZero()) {
            throw new InvalidTreasuryInputException("an authorization must move more than zero");
        }
        if (!validBefore.isAfter(validAfter)) {
            throw new InvalidTreasuryInputException("an authorization's validBefore must be after its validAfter");
        }
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        String nonceHex = "0x" + HexFormat.of().formatHex(nonce);
        BigInteger after = BigInteger.valueOf(validAfter.getEpochSecond());
        BigInteger before = BigInteger.valueOf(validBefore.getEpochSecond());
        TypedData typed = typedData(domain, payer.address(), to, value.baseUnits(), after, before, nonceHex);
        return new TransferAuthorization(
                domain, payer.address(), to, value.baseUnits(), after, before, nonceHex, payer.signTypedData(typed));
    }

    /** The EIP-712 document that is signed. */
    public TypedData typedData() {
        return typedData(domain, from, to, value, validAfter, validBefore, nonce);
    }

    /** Whether the signature recovers to {@code from}. */
    public boolean isSignedByPayer() {
        try {
            return Signatures.recoverTypedData(typedData(), signature).equals(from);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** Call data for {@code transferWithAuthorization(from, to, value, validAfter, validBefore, nonce, v, r, s)}. */
    public byte[] transferWithAuthorizationCall() {
        return Abi.call(
                "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)",
                from,
                to,
                value,
                validAfter,
                validBefore,
                Abi.bytes(nonce),
                signature.v(),
                signature.r(),
                signature.s());
    }

    private static TypedData typedData(
            TokenDomain domain,
            Address from,
            Address to,
            BigInteger value,
            BigInteger after,
            BigInteger before,
            String nonce) {
        return eip3009("TransferWithAuthorization", domain, from, to, value, after, before, nonce);
    }

    /**
     * An EIP-3009 authorization as EIP-712 typed data: {@code TransferWithAuthorization} (anyone
     * submits it) or {@code ReceiveWithAuthorization} (only {@code to} may), same fields.
     */
    static TypedData eip3009(
            String primaryType,
            TokenDomain domain,
            Address from,
            Address to,
            BigInteger value,
            BigInteger after,
            BigInteger before,
            String nonce) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode types = root.putObject("types");
        ArrayNode domainType = types.putArray("EIP712Domain");
        domainType.addObject().put("name", "name").put("type", "string");
        domainType.addObject().put("name", "version").put("type", "string");
        domainType.addObject().put("name", "chainId").put("type", "uint256");
        domainType.addObject().put("name", "verifyingContract").put("type", "address");
        ArrayNode auth = types.putArray(primaryType);
        for (String[] f : new String[][] {
            {"from", "address"},
            {"to", "address"},
            {"value", "uint256"},
            {"validAfter", "uint256"},
            {"validBefore", "uint256"},
            {"nonce", "bytes32"}
        }) {
            auth.addObject().put("name", f[0]).put("type", f[1]);
        }
        root.put("primaryType", primaryType);
        ObjectNode d = root.putObject("domain");
        d.put("name", domain.name());
        d.put("version", domain.version());
        d.put("chainId", domain.chainId());
        d.put("verifyingContract", domain.verifyingContract().toString());
        ObjectNode m = root.putObject("message");
        m.put("from", from.toString());
        m.put("to", to.toString());
        m.put("value", value.toString());
        m.put("validAfter", after.toString());
        m.put("validBefore", before.toString());
        m.put("nonce", nonce);
        return TypedData.fromJson(root.toString());
    }
}
