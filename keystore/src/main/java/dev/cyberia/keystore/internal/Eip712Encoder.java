package dev.cyberia.keystore.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.InvalidKeyInputException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** EIP-712 {@code encodeType}, {@code hashStruct} and {@code encodeData} over a parsed type table. */
public final class Eip712Encoder {
    private static final Pattern INT_TYPE = Pattern.compile("(u?)int(\\d*)");
    private static final Pattern BYTES_N = Pattern.compile("bytes(\\d+)");
    private static final Pattern ARRAY = Pattern.compile("^(.*)\\[(\\d*)]$");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    /** One member of a struct type. */
    public record Field(String name, String type) {}

    private final Map<String, List<Field>> types;

    public Eip712Encoder(Map<String, List<Field>> types) {
        this.types = Map.copyOf(types);
        for (Map.Entry<String, List<Field>> entry : types.entrySet()) {
            if (!IDENTIFIER.matcher(entry.getKey()).matches()) {
                throw new InvalidKeyInputException("typed data: '" + entry.getKey() + "' is not a valid type name");
            }
            Set<String> names = new LinkedHashSet<>();
            for (Field field : entry.getValue()) {
                if (!names.add(field.name())) {
                    throw new InvalidKeyInputException(
                            "typed data: type " + entry.getKey() + " declares '" + field.name() + "' twice");
                }
                checkKnownType(field.type(), entry.getKey());
            }
        }
    }

    public String encodeType(String primaryType) {
        List<Field> fields = fieldsOf(primaryType);
        Set<String> deps = new TreeSet<>();
        collectDependencies(primaryType, deps);
        deps.remove(primaryType);
        StringBuilder out = new StringBuilder(signatureOf(primaryType, fields));
        for (String dep : deps) {
            out.append(signatureOf(dep, types.get(dep)));
        }
        return out.toString();
    }

    public byte[] typeHash(String type) {
        return Keccak.keccak256(encodeType(type).getBytes(StandardCharsets.UTF_8));
    }

    public byte[] hashStruct(String type, JsonNode value) {
        return Keccak.keccak256(encodeData(type, value));
    }

    public byte[] encodeData(String type, JsonNode value) {
        if (value == null || !value.isObject()) {
            throw new InvalidKeyInputException("typed data: a value of type " + type + " must be an object");
        }
        List<Field> fields = fieldsOf(type);
        Set<String> declared = new LinkedHashSet<>();
        List<byte[]> parts = new ArrayList<>();
        parts.add(typeHash(type));
        for (Field field : fields) {
            declared.add(field.name());
            JsonNode member = value.get(field.name());
            if (member == null || member.isNull()) {
                throw new InvalidKeyInputException(
                        "typed data: " + type + "." + field.name() + " (" + field.type() + ") is missing");
            }
            parts.add(encodeValue(field.type(), member, type + "." + field.name()));
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!declared.contains(name)) {
                throw new InvalidKeyInputException("typed data: " + type + " has no member '" + name
                        + "'; a value that is not in the type would not be signed");
            }
        }
        return Bytes.concat(parts.toArray(new byte[0][]));
    }

    private byte[] encodeValue(String type, JsonNode value, String where) {
        Matcher array = ARRAY.matcher(type);
        if (array.matches()) {
            if (!value.isArray()) {
                throw new InvalidKeyInputException("typed data: " + where + " must be an array (" + type + ")");
            }
            if (!array.group(2).isEmpty() && value.size() != Integer.parseInt(array.group(2))) {
                throw new InvalidKeyInputException("typed data: " + where + " must have exactly " + array.group(2)
                        + " elements, has " + value.size());
            }
            List<byte[]> items = new ArrayList<>();
            int i = 0;
            for (JsonNode item : value) {
                items.add(encodeValue(array.group(1), item, where + "[" + i++ + "]"));
            }
            return Keccak.keccak256(Bytes.concat(items.toArray(new byte[0][])));
        }
        if (types.containsKey(type)) {
            return hashStruct(type, value);
        }
        return encodeAtomic(type, value, where);
    }

    private static byte[] encodeAtomic(String type, JsonNode value, String where) {
        switch (type) {
            case "string" -> {
                if (!value.isTextual()) {
                    throw new InvalidKeyInputException("typed data: " + where + " must be a string");
                }
                return Keccak.keccak256(value.asText().getBytes(StandardCharsets.UTF_8));
            }
            case "bytes" -> {
                return Keccak.keccak256(hexValue(value, where));
            }
            case "bool" -> {
                if (!value.isBoolean()) {
                    throw new InvalidKeyInputException("typed data: " + where + " must be true or false");
                }
                return word(value.asBoolean() ? BigInteger.ONE : BigInteger.ZERO);
            }
            case "address" -> {
                if (!value.isTextual()) {
                    throw new InvalidKeyInputException("typed data: " + where + " must be an address string");
                }
                return Bytes.concat(new byte[12], Address.parse(value.asText()).toBytes());
            }
            default -> {
                Matcher integer = INT_TYPE.matcher(type);
                if (integer.matches()) {
                    return encodeInteger(integer, value, where);
                }
                Matcher fixed = BYTES_N.matcher(type);
                if (fixed.matches()) {
                    int n = Integer.parseInt(fixed.group(1));
                    byte[] bytes = hexValue(value, where);
                    if (bytes.length != n) {
                        throw new InvalidKeyInputException(
                                "typed data: " + where + " must be exactly " + n + " bytes, got " + bytes.length);
                    }
                    byte[] out = new byte[32];
                    System.arraycopy(bytes, 0, out, 0, n);
                    return out;
                }
                throw new InvalidKeyInputException("typed data: " + where + " has unknown type '" + type + "'");
            }
        }
    }

    private static byte[] encodeInteger(Matcher integer, JsonNode value, String where) {
        boolean unsigned = !integer.group(1).isEmpty();
        int bits = integer.group(2).isEmpty() ? 256 : Integer.parseInt(integer.group(2));
        BigInteger n;
        if (value.isIntegralNumber()) {
            n = value.bigIntegerValue();
        } else if (value.isTextual()) {
            String text = value.asText().trim();
            try {
                boolean negative = text.startsWith("-");
                String digits = negative ? text.substring(1) : text;
                n = digits.startsWith("0x") || digits.startsWith("0X")
                        ? new BigInteger(digits.substring(2), 16)
                        : new BigInteger(digits);
                n = negative ? n.negate() : n;
            } catch (NumberFormatException e) {
                throw new InvalidKeyInputException("typed data: " + where + " is not an integer: '" + text + "'");
            }
        } else {
            throw new InvalidKeyInputException("typed data: " + where + " must be an integer (number or string)");
        }
        BigInteger min =
                unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = unsigned
                ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
            throw new InvalidKeyInputException(
                    "typed data: " + where + " = " + n + " is out of range for " + integer.group());
        }
        return word(n.signum() < 0 ? BigInteger.ONE.shiftLeft(256).add(n) : n);
    }

    private static byte[] hexValue(JsonNode value, String where) {
        if (!value.isTextual() || !value.asText().startsWith("0x")) {
            throw new InvalidKeyInputException("typed data: " + where + " must be 0x-prefixed hex bytes");
        }
        return value.asText().length() == 2 ? new byte[0] : Hex.decode(value.asText(), "typed data " + where);
    }

    private static byte[] word(BigInteger n) {
        return Bytes.toFixed(n, 32);
    }

    private List<Field> fieldsOf(String type) {
        List<Field> fields = types.get(type);
        if (fields == null) {
            throw new InvalidKeyInputException("typed data: type '" + type + "' is not defined in 'types'");
        }
        return fields;
    }

    private void collectDependencies(String type, Set<String> found) {
        if (!types.containsKey(type) || !found.add(type)) {
            return;
        }
        for (Field field : types.get(type)) {
            collectDependencies(baseType(field.type()), found);
        }
    }

    private void checkKnownType(String type, String owner) {
        String base = baseType(type);
        if (types.containsKey(base)) {
            return;
        }
        boolean atomic = base.equals("string")
                || base.equals("bytes")
                || base.equals("bool")
                || base.equals("address")
                || validIntType(base)
                || validBytesN(base);
        if (!atomic) {
            throw new InvalidKeyInputException("typed data: " + owner + " uses type '" + type
                    + "', which is neither defined nor an EIP-712 atomic type");
        }
    }

    private static boolean validIntType(String type) {
        Matcher m = INT_TYPE.matcher(type);
        if (!m.matches()) {
            return false;
        }
        if (m.group(2).isEmpty()) {
            return true;
        }
        int bits = Integer.parseInt(m.group(2));
        return bits >= 8 && bits <= 256 && bits % 8 == 0;
    }

    private static boolean validBytesN(String type) {
        Matcher m = BYTES_N.matcher(type);
        return m.matches() && Integer.parseInt(m.group(1)) >= 1 && Integer.parseInt(m.group(1)) <= 32;
    }

    private static String baseType(String type) {
        Matcher array = ARRAY.matcher(type);
        return array.matches() ? baseType(array.group(1)) : type;
    }

    private static String signatureOf(String name, List<Field> fields) {
        StringBuilder out = new StringBuilder(name).append('(');
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(fields.get(i).type()).append(' ').append(fields.get(i).name());
        }
        return out.append(')').toString();
    }

    /** The EIP712Domain fields in their canonical order, for documents that omit the domain type. */
    public static List<Field> inferDomainType(JsonNode domain) {
        Map<String, String> canonical = new LinkedHashMap<>();
        canonical.put("name", "string");
        canonical.put("version", "string");
        canonical.put("chainId", "uint256");
        canonical.put("verifyingContract", "address");
        canonical.put("salt", "bytes32");
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<String, String> e : canonical.entrySet()) {
            if (domain.has(e.getKey())) {
                fields.add(new Field(e.getKey(), e.getValue()));
            }
        }
        return fields;
    }
}
