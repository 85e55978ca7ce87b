package dev.cyberia.keystore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.internal.Eip712Encoder;
import dev.cyberia.keystore.internal.Eip712Encoder.Field;
import dev.cyberia.keystore.internal.Keccak;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An EIP-712 typed-data document in the standard JSON form ({@code types}, {@code primaryType},
 * {@code domain}, {@code message}), as {@code eth_signTypedData_v4} takes it. Parsing checks the
 * whole document, so a document that parses can be hashed.
 */
public final class TypedData {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final String DOMAIN = "EIP712Domain";

    private final Eip712Encoder encoder;
    private final String primaryType;
    private final JsonNode domain;
    private final JsonNode message;
    private final byte[] domainSeparator;
    private final byte[] digest;

    private TypedData(Eip712Encoder encoder, String primaryType, JsonNode domain, JsonNode message) {
        this.encoder = encoder;
        this.primaryType = primaryType;
        this.domain = domain;
        this.message = message;
        this.domainSeparator = encoder.hashStruct(DOMAIN, domain);
        this.digest = DOMAIN.equals(primaryType)
                ? Keccak.keccak256(new byte[] {0x19, 0x01}, domainSeparator)
                : Keccak.keccak256(new byte[] {0x19, 0x01}, domainSeparator, encoder.hashStruct(primaryType, message));
    }

    /**
     * Parses and checks a typed-data document.
     *
     * @throws InvalidKeyInputException naming the first problem: bad JSON, an undefined type, a
     *     missing or extra member, a value out of range for its type
     */
    public static TypedData fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidKeyInputException(
                    "typed data is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidKeyInputException(
                    "typed data must be a JSON object with types, primaryType, domain, message");
        }
        JsonNode typesNode = required(root, "types");
        JsonNode domain = required(root, "domain");
        JsonNode primary = required(root, "primaryType");
        if (!typesNode.isObject() || !domain.isObject() || !primary.isTextual()) {
            throw new InvalidKeyInputException(
                    "typed data: 'types' and 'domain' must be objects and 'primaryType' a string");
        }
        Map<String, List<Field>> types = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = typesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isArray()) {
                throw new InvalidKeyInputException("typed data: types." + entry.getKey() + " must be an array");
            }
            List<Field> fields = new ArrayList<>();
            for (JsonNode f : entry.getValue()) {
                if (!f.path("name").isTextual() || !f.path("type").isTextual()) {
                    throw new InvalidKeyInputException(
                            "typed data: each member of types." + entry.getKey() + " needs a 'name' and a 'type'");
                }
                fields.add(new Field(f.get("name").asText(), f.get("type").asText()));
            }
            types.put(entry.getKey(), fields);
        }
        if (!types.containsKey(DOMAIN)) {
            types.put(DOMAIN, Eip712Encoder.inferDomainType(domain));
        }
        String primaryType = primary.asText();
        if (!types.containsKey(primaryType)) {
            throw new InvalidKeyInputException(
                    "typed data: primaryType '" + primaryType + "' is not defined in 'types'");
        }
        JsonNode message = DOMAIN.equals(primaryType) ? domain : required(root, "message");
        return new TypedData(new Eip712Encoder(types), primaryType, domain, message);
    }

    private static JsonNode required(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidKeyInputException("typed data has no '" + name + "'");
        }
        return node;
    }

    public String primaryType() {
        return primaryType;
    }

    /** {@code encodeType} of the primary type, e.g. {@code Mail(Person from,...)Person(...)}. */
    public String encodeType() {
        return encoder.encodeType(primaryType);
    }

    public byte[] domainSeparator() {
        return domainSeparator.clone();
    }

    /** {@code hashStruct(message)}, or empty when the primary type is the domain itself. */
    public byte[] messageHash() {
        return DOMAIN.equals(primaryType) ? new byte[0] : encoder.hashStruct(primaryType, message);
    }

    /** The 32 bytes that are signed: Keccak-256 of {@code 0x1901 || domainSeparator || hashStruct(message)}. */
    public byte[] digest() {
        return digest.clone();
    }

    /** The domain's chain id, when it declares one. */
    public java.util.OptionalLong chainId() {
        JsonNode id = domain.get("chainId");
        if (id == null) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(
                    id.isNumber() ? id.bigIntegerValue().longValueExact() : Long.decode(id.asText()));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidKeyInputException("typed data: domain.chainId '" + id.asText() + "' is not a chain id");
        }
    }

    @Override
    public String toString() {
        return "TypedData[" + primaryType + ", digest=" + dev.cyberia.keystore.internal.Hex.prefixed(digest) + "]";
    }
}
