package dev.cyberia.keystore.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.InvalidKeyInputException;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.Passphrase;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Web3 Secret Storage Definition, version 3: AES-128-CTR under a scrypt or PBKDF2-HMAC-SHA256
 * derived key, with the MAC Keccak-256(dk[16..32] || ciphertext). Reads and writes what geth,
 * ethers and MetaMask read and write.
 */
public final class SecretStorage {
    /** Refuse KDF settings that would need more memory or time than any real wallet uses. */
    private static final long MAX_SCRYPT_MEMORY = 1L << 30;

    private static final int MAX_PBKDF2_ITERATIONS = 10_000_000;

    private SecretStorage() {}

    /** Encrypts a 32-byte private key into a v3 document (address, crypto, id, version). */
    public static ObjectNode encrypt(
            byte[] privateKey, Address address, Passphrase passphrase, Kdf kdf, SecureRandom random) {
        byte[] salt = new byte[32];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        ObjectNode kdfParams = JsonNodeFactory.instance.objectNode();
        kdfParams.put("dklen", 32);
        if (kdf instanceof Kdf.Scrypt s) {
            kdfParams.put("n", s.n()).put("r", s.r()).put("p", s.p());
        } else if (kdf instanceof Kdf.Pbkdf2 p) {
            kdfParams.put("c", p.iterations()).put("prf", "hmac-sha256");
        }
        kdfParams.put("salt", Hex.encode(salt));
        byte[] derived = derive(kdf, passphrase, salt, 32);
        try {
            byte[] ciphertext = aesCtr(Arrays.copyOfRange(derived, 0, 16), iv, privateKey);
            byte[] mac = Keccak.keccak256(Arrays.copyOfRange(derived, 16, 32), ciphertext);
            ObjectNode crypto = JsonNodeFactory.instance.objectNode();
            crypto.put("cipher", "aes-128-ctr");
            crypto.putObject("cipherparams").put("iv", Hex.encode(iv));
            crypto.put("ciphertext", Hex.encode(ciphertext));
            crypto.put("kdf", kdf.name());
            crypto.set("kdfparams", kdfParams);
            crypto.put("mac", Hex.encode(mac));
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.put("address", address.hex());
            doc.set("crypto", crypto);
            doc.put("id", uuid(random).toString());
            doc.put("version", 3);
            return doc;
        } finally {
            Bytes.wipe(derived);
        }
    }

    /** The name of the KDF a document uses ("scrypt", "pbkdf2"), without decrypting it. */
    public static String kdfName(JsonNode doc, String source) {
        return text(crypto(doc, source), "kdf", source);
    }

    /**
     * Decrypts a v3 document. The caller wipes the returned key.
     *
     * @throws InvalidKeyInputException for a wrong passphrase, a corrupt document, or an
     *     unsupported cipher or KDF; {@code source} names the file in the message
     */
    public static byte[] decrypt(JsonNode doc, Passphrase passphrase, String source) {
        if (doc.path("version").asInt(-1) != 3) {
            throw new InvalidKeyInputException("keystore file " + source + " is not a version 3 keystore (version is "
                    + doc.path("version").asText("missing") + ")");
        }
        JsonNode crypto = crypto(doc, source);
        String cipher = text(crypto, "cipher", source);
        if (!cipher.equals("aes-128-ctr")) {
            throw new InvalidKeyInputException(
                    "keystore file " + source + " uses cipher '" + cipher + "'; only aes-128-ctr is supported");
        }
        byte[] iv = hex(crypto.path("cipherparams"), "iv", source);
        byte[] ciphertext = hex(crypto, "ciphertext", source);
        byte[] mac = hex(crypto, "mac", source);
        if (iv.length != 16) {
            throw new InvalidKeyInputException("keystore file " + source + " is corrupted: the iv is not 16 bytes");
        }
        if (ciphertext.length == 0 || ciphertext.length > 32 || mac.length != 32) {
            throw new InvalidKeyInputException(
                    "keystore file " + source + " is corrupted: ciphertext or mac has the wrong length");
        }
        JsonNode params = crypto.path("kdfparams");
        if (!params.isObject()) {
            throw new InvalidKeyInputException(
                    "keystore file " + source + " is not a v3 keystore (missing 'kdfparams')");
        }
        String kdfName = text(crypto, "kdf", source);
        Kdf kdf = switch (kdfName) {
            case "scrypt" -> scryptOf(params, source);
            case "pbkdf2" -> pbkdf2Of(params, source);
            default ->
                throw new InvalidKeyInputException("keystore file " + source + " uses kdf '" + kdfName
                        + "'; only scrypt and pbkdf2 are supported");
        };
        int dklen = params.path("dklen").asInt(0);
        if (dklen < 32 || dklen > 64) {
            throw new InvalidKeyInputException("keystore file " + source + " is corrupted: dklen must be 32..64");
        }
        byte[] salt = hex(params, "salt", source);
        byte[] derived = derive(kdf, passphrase, salt, dklen);
        try {
            byte[] expectedMac = Keccak.keccak256(Arrays.copyOfRange(derived, 16, 32), ciphertext);
            if (!MessageDigest.isEqual(expectedMac, mac)) {
                throw new InvalidKeyInputException("wrong passphrase for keystore file " + source);
            }
            byte[] plain = aesCtr(Arrays.copyOfRange(derived, 0, 16), iv, ciphertext);
            if (plain.length < 32) { // geth wrote some keys without leading zero bytes
                byte[] padded = new byte[32];
                System.arraycopy(plain, 0, padded, 32 - plain.length, plain.length);
                Bytes.wipe(plain);
                plain = padded;
            }
            if (!Secp256k1.isValidPrivateKey(plain)) {
                Bytes.wipe(plain);
                throw new InvalidKeyInputException(
                        "keystore file " + source + " holds a key out of range for secp256k1");
            }
            return plain;
        } finally {
            Bytes.wipe(derived);
        }
    }

    private static Kdf.Scrypt scryptOf(JsonNode params, String source) {
        int n = params.path("n").asInt(0);
        int r = params.path("r").asInt(0);
        int p = params.path("p").asInt(0);
        Kdf.Scrypt scrypt;
        try {
            scrypt = new Kdf.Scrypt(n, r, p);
        } catch (InvalidKeyInputException e) {
            throw new InvalidKeyInputException("keystore file " + source + " is corrupted: " + e.getMessage());
        }
        if (128L * n * r > MAX_SCRYPT_MEMORY) {
            throw new InvalidKeyInputException("keystore file " + source
                    + " asks scrypt for more than 1 GiB of memory (n=" + n + ", r=" + r + "); refusing");
        }
        return scrypt;
    }

    private static Kdf.Pbkdf2 pbkdf2Of(JsonNode params, String source) {
        String prf = params.path("prf").asText("");
        if (!prf.equals("hmac-sha256")) {
            throw new InvalidKeyInputException(
                    "keystore file " + source + " uses pbkdf2 prf '" + prf + "'; only hmac-sha256 is supported");
        }
        int c = params.path("c").asInt(0);
        if (c < 1 || c > MAX_PBKDF2_ITERATIONS) {
            throw new InvalidKeyInputException("keystore file " + source + " has an unreasonable pbkdf2 count " + c);
        }
        return new Kdf.Pbkdf2(c);
    }

    private static byte[] derive(Kdf kdf, Passphrase passphrase, byte[] salt, int dklen) {
        byte[] password = passphrase.utf8(false);
        try {
            if (kdf instanceof Kdf.Scrypt s) {
                return Scrypt.derive(password, salt, s.n(), s.r(), s.p(), dklen);
            }
            Kdf.Pbkdf2 p = (Kdf.Pbkdf2) kdf;
            PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
            generator.init(password, salt, p.iterations());
            return ((KeyParameter) generator.generateDerivedParameters(dklen * 8)).getKey();
        } finally {
            Bytes.wipe(password);
        }
    }

    private static byte[] aesCtr(byte[] key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CTR is not available in this JVM", e);
        } finally {
            Bytes.wipe(key);
        }
    }

    private static JsonNode crypto(JsonNode doc, String source) {
        JsonNode crypto = doc.has("crypto") ? doc.get("crypto") : doc.get("Crypto");
        if (crypto == null || !crypto.isObject()) {
            throw new InvalidKeyInputException("keystore file " + source + " is not a v3 keystore (missing 'crypto')");
        }
        return crypto;
    }

    private static String text(JsonNode node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidKeyInputException("keystore file " + source + " is corrupted (missing '" + field + "')");
        }
        return value.asText();
    }

    private static byte[] hex(JsonNode node, String field, String source) {
        String text = text(node, field, source);
        if (!Hex.isHex(text)) {
            throw new InvalidKeyInputException(
                    "keystore file " + source + " is corrupted ('" + field + "' is not hex)");
        }
        return Hex.decode(text, field);
    }

    private static UUID uuid(SecureRandom random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xff);
            lo = (lo << 8) | (b[i + 8] & 0xff);
        }
        return new UUID(hi, lo);
    }
}
