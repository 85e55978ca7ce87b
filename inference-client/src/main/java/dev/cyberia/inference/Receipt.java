package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Hashes;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signatures;
import dev.cyberia.keystore.Signer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A miner's signed receipt for one answer: EIP-191 over the hashes of the request and response
 * bodies, the model, the amount, the payer and the settlement transaction. Sent in the
 * {@value #HEADER} header (base64 JSON), so a buyer keeps proof of what it was sold.
 */
public record Receipt(
        String requestHash,
        String responseHash,
        String model,
        String amount,
        Address payer,
        String transaction,
        Address miner,
        Signature signature) {
    public static final String HEADER = "X-CYBERIA-RECEIPT";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Receipt sign(
            Signer miner, byte[] request, byte[] response, String model, String amount, Address payer, String tx) {
        String requestHash = hash(request);
        String responseHash = hash(response);
        Signature sig = miner.signPersonalMessage(statement(requestHash, responseHash, model, amount, payer, tx));
        return new Receipt(requestHash, responseHash, model, amount, payer, tx, miner.address(), sig);
    }

    /** Whether the receipt is signed by its miner and covers exactly these bodies. */
    public boolean verifies(byte[] request, byte[] response) {
        if (!hash(request).equals(requestHash) || !hash(response).equals(responseHash)) {
            return false;
        }
        try {
            return Signatures.recoverPersonalMessage(
                            statement(requestHash, responseHash, model, amount, payer, transaction), signature)
                    .equals(miner);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static byte[] statement(
            String requestHash, String responseHash, String model, String amount, Address payer, String tx) {
        return String.join(
                        "\n",
                        "cyberia-receipt-v1",
                        "request:" + requestHash,
                        "response:" + responseHash,
                        "model:" + model,
                        "amount:" + amount,
                        "payer:" + payer,
                        "transaction:" + tx)
                .getBytes(StandardCharsets.UTF_8);
    }

    static String hash(byte[] body) {
        return "0x" + HexFormat.of().formatHex(Hashes.keccak256(body));
    }

    public String encode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("requestHash", requestHash);
        n.put("responseHash", responseHash);
        n.put("model", model);
        n.put("amount", amount);
        n.put("payer", payer.toString());
        n.put("transaction", transaction);
        n.put("miner", miner.toString());
        n.put("signature", signature.toHex());
        return Base64.getEncoder().encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static Receipt decode(String header) {
        try {
            JsonNode n = JSON.readTree(Base64.getDecoder().decode(header));
            return new Receipt(
                    n.get("requestHash").asText(),
                    n.get("responseHash").asText(),
                    n.get("model").asText(),
                    n.get("amount").asText(),
                    Address.parse(n.get("payer").asText()),
                    n.get("transaction").asText(),
                    Address.parse(n.get("miner").asText()),
                    Signature.fromHex(n.get("signature").asText()));
        } catch (java.io.IOException | RuntimeException e) {
            throw new InferenceException("the miner's receipt header is malformed: " + e.getMessage(), e);
        }
    }
}
