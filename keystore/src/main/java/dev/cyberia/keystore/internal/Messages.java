package dev.cyberia.keystore.internal;

import java.nio.charset.StandardCharsets;

/** The digests that Ethereum signs. */
public final class Messages {
    private Messages() {}

    /** EIP-191 version 0x45: Keccak-256 of "\x19Ethereum Signed Message:\n" + decimal length + message. */
    public static byte[] personalMessageDigest(byte[] message) {
        byte[] prefix = ("\u0019Ethereum Signed Message:\n" + message.length).getBytes(StandardCharsets.UTF_8);
        return Keccak.keccak256(prefix, message);
    }
}
