package dev.cyberia.keystore;

import dev.cyberia.keystore.internal.Hex;
import dev.cyberia.keystore.internal.Keccak;
import java.util.Arrays;
import java.util.Locale;

/**
 * A 20-byte Ethereum address. {@link #toString()} is the EIP-55 mixed-case checksum form.
 *
 * @param hex the 40 lower-case hex digits, without {@code 0x}
 */
public record Address(String hex) {

    public Address {
        if (hex == null || hex.length() != 40 || !Hex.isHex(hex) || !hex.equals(hex.toLowerCase(Locale.ROOT))) {
            throw new InvalidKeyInputException("an address is 40 lower-case hex digits, got '" + hex + "'");
        }
    }

    /**
     * Parses {@code 0x}-prefixed hex. All-lower or all-upper case is accepted as is; mixed case
     * must carry a valid EIP-55 checksum.
     *
     * @throws InvalidKeyInputException when the text is not an address or its checksum is wrong
     */
    public static Address parse(String text) {
        if (text == null || !(text.startsWith("0x") || text.startsWith("0X")) || text.length() != 42) {
            throw new InvalidKeyInputException(
                    "'" + text + "' is not an address: expected 0x followed by 40 hex digits");
        }
        String digits = text.substring(2);
        if (!Hex.isHex(digits)) {
            throw new InvalidKeyInputException("'" + text + "' is not an address: it has non-hex characters");
        }
        Address address = new Address(digits.toLowerCase(Locale.ROOT));
        boolean mixed =
                !digits.equals(digits.toLowerCase(Locale.ROOT)) && !digits.equals(digits.toUpperCase(Locale.ROOT));
        if (mixed && !address.toString().substring(2).equals(digits)) {
            throw new InvalidKeyInputException(
                    "address " + text + " has a wrong EIP-55 checksum (expected " + address + "); check for a typo");
        }
        return address;
    }

    public static Address of(byte[] twentyBytes) {
        if (twentyBytes.length != 20) {
            throw new IllegalArgumentException("an address is 20 bytes");
        }
        return new Address(Hex.encode(twentyBytes));
    }

    /** The address of a 64-byte uncompressed public key: the last 20 bytes of its Keccak-256. */
    public static Address fromPublicKey(byte[] publicKey64) {
        byte[] hash = Keccak.keccak256(publicKey64);
        return of(Arrays.copyOfRange(hash, 12, 32));
    }

    public byte[] toBytes() {
        return Hex.decode(hex, "address");
    }

    /** EIP-55 checksummed, {@code 0x}-prefixed. */
    @Override
    public String toString() {
        byte[] hash = Keccak.keccak256(hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < 40; i++) {
            char c = hex.charAt(i);
            int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
            out.append(nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }
}
