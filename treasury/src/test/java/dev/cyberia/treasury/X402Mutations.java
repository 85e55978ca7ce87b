package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Hostile {@code PAYMENT-SIGNATURE} headers derived from a genuine one, for the sellers' fuzzers:
 * every field changed, removed or retyped, other versions and offers, the signature in other
 * encodings (v 0/1, high s, short, long, flipped), bytes flipped in the base64, truncations,
 * double encodings, and nesting thousands deep. {@code other} and {@code another} are addresses to
 * put where the genuine payment has its payer and payee.
 */
public final class X402Mutations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger N =
            new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

    private X402Mutations() {}

    public static String b64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    public static ObjectNode decode(String header) {
        try {
            return (ObjectNode) JSON.readTree(Base64.getDecoder().decode(header));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A change to a decoded payment. */
    private static Function<ObjectNode, ObjectNode> at(String... pathAndValue) {
        return n -> {
            ObjectNode copy = n.deepCopy();
            ObjectNode target = copy;
            for (int i = 0; i < pathAndValue.length - 2; i++) {
                target = (ObjectNode) target.get(pathAndValue[i]);
            }
            String field = pathAndValue[pathAndValue.length - 2];
            String value = pathAndValue[pathAndValue.length - 1];
            if (value == null) {
                target.remove(field);
            } else {
                try {
                    target.set(field, JSON.readTree(value));
                } catch (IOException e) {
                    target.put(field, value);
                }
            }
            return copy;
        };
    }

    /** Requests derived from a genuine payment header, for the same request body. */
    public static List<String> derivedFrom(String genuine, Address other, Address another, Random random) {
        List<String> out = new ArrayList<>();
        ObjectNode n = decode(genuine);
        String sig = n.path("payload").path("signature").asText();
        BigInteger r = new BigInteger(sig.substring(2, 66), 16);
        BigInteger s = new BigInteger(sig.substring(66, 130), 16);
        int v = Integer.parseInt(sig.substring(130), 16);
        String highS = "0x" + String.format("%064x", r) + String.format("%064x", N.subtract(s))
                + String.format("%02x", v == 27 ? 28 : 27);
        String vZeroOne = sig.substring(0, 130) + String.format("%02x", v - 27);
        List<Function<ObjectNode, ObjectNode>> changes = List.of(
                at("x402Version", "1"),
                at("x402Version", "3"),
                at("x402Version", "\"2\""),
                at("x402Version", "2.0"),
                at("x402Version", null),
                at("x402Version", "-2"),
                at("accepted", "amount", "\"9999\""),
                at("accepted", "amount", "10000"),
                at("accepted", "amount", "\"0\""),
                at("accepted", "payTo", "\"" + other + "\""),
                at("accepted", "asset", "\"0x0000000000000000000000000000000000000001\""),
                at("accepted", "network", "\"eip155:1\""),
                at("accepted", "scheme", "\"upto\""),
                at("accepted", "maxTimeoutSeconds", "121"),
                at("accepted", "extra", null),
                at("accepted", "extra", "name", "\"USD Coin\""),
                at("accepted", "extra", "more", "1"),
                at("accepted", "[]"),
                at("accepted", "\"exact\""),
                at("payload", "authorization", "value", "\"9999\""),
                at("payload", "authorization", "value", "\"10001\""),
                at("payload", "authorization", "value", "10000"),
                at("payload", "authorization", "value", "\"0x2710\""),
                at("payload", "authorization", "to", "\"" + other + "\""),
                at("payload", "authorization", "from", "\"" + another + "\""),
                at("payload", "authorization", "validAfter", "\"99999999999\""),
                at("payload", "authorization", "validBefore", "\"1\""),
                at("payload", "authorization", "validBefore", "\"" + "9".repeat(78) + "\""),
                at("payload", "authorization", "nonce", "\"0x" + "0".repeat(64) + "\""),
                at("payload", "authorization", "nonce", "\"0x1234\""),
                at("payload", "signature", "\"" + highS + "\""),
                at("payload", "signature", "\"" + vZeroOne + "\""),
                at("payload", "signature", "\"" + sig.substring(0, 128) + "\""),
                at("payload", "signature", "\"" + sig + "00\""),
                at(
                        "payload",
                        "signature",
                        "\"" + sig.substring(0, 10) + (sig.charAt(10) == 'a' ? 'b' : 'a') + sig.substring(11) + "\""),
                at("payload", "signature", "\"\""),
                at("payload", "signature", "12"),
                at("payload", "authorization", null),
                at("payload", null),
                at("accepted", null),
                at("resource", "{\"url\":\"http://elsewhere/\"}"),
                at("extensions", "{\"payment-identifier\":{\"info\":{\"id\":\"" + "x".repeat(5000) + "\"}}}"));
        for (Function<ObjectNode, ObjectNode> change : changes) {
            if (random.nextInt(3) != 0) {
                out.add(b64(change.apply(n).toString()));
            }
        }
        for (int i = 0; i < 6; i++) { // bytes flipped in the header itself
            char[] chars = genuine.toCharArray();
            int at = random.nextInt(chars.length);
            chars[at] =
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_!".charAt(random.nextInt(68));
            out.add(new String(chars));
        }
        out.add(genuine.substring(0, random.nextInt(genuine.length())));
        out.add(genuine + "AAAA");
        out.add(genuine.replace('+', '-').replace('/', '_').replace("=", ""));
        out.add(b64(b64(n.toString())));
        out.add("!");
        out.add("====");
        out.add("[".repeat(100_000));
        out.add(b64("[".repeat(5_000) + "]".repeat(5_000)));
        out.add(b64("{\"x402Version\":2," + "\"a\":{".repeat(3000) + "}".repeat(3001)));
        java.util.Collections.shuffle(out, random);
        return out;
    }
}
