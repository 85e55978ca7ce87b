package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.InvalidKeyInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/** BIP-39 with the English word list: entropy to words, checksum validation, words to seed. */
public final class Bip39 {
    private static final List<String> WORDS = loadWords();
    private static final Map<String, Integer> INDEX = indexWords();

    private Bip39() {}

    public static String word(int index) {
        return WORDS.get(index);
    }

    /** Word indices (11 bits each) for 16..32 bytes of entropy with the SHA-256 checksum appended. */
    public static int[] entropyToIndices(byte[] entropy) {
        if (entropy.length < 16 || entropy.length > 32 || entropy.length % 4 != 0) {
            throw new IllegalArgumentException("BIP-39 entropy is 16, 20, 24, 28 or 32 bytes");
        }
        byte[] hash = Base58.sha256(entropy);
        int entropyBits = entropy.length * 8;
        int totalBits = entropyBits + entropyBits / 32;
        int[] indices = new int[totalBits / 11];
        for (int i = 0; i < indices.length; i++) {
            int value = 0;
            for (int b = 0; b < 11; b++) {
                int bit = i * 11 + b;
                boolean set = bit < entropyBits
                        ? ((entropy[bit / 8] >> (7 - bit % 8)) & 1) == 1
                        : ((hash[(bit - entropyBits) / 8] >> (7 - (bit - entropyBits) % 8)) & 1) == 1;
                value = (value << 1) | (set ? 1 : 0);
            }
            indices[i] = value;
        }
        java.util.Arrays.fill(hash, (byte) 0);
        return indices;
    }

    /**
     * Checks words (already split, lower-case) against the list and the checksum.
     *
     * @throws InvalidKeyInputException naming an unknown word (by position) or a bad checksum
     */
    public static void validate(List<char[]> words) {
        int n = words.size();
        if (n != 12 && n != 15 && n != 18 && n != 21 && n != 24) {
            throw new InvalidKeyInputException("a BIP-39 mnemonic has 12, 15, 18, 21 or 24 words, this one has " + n);
        }
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            Integer index = INDEX.get(new String(words.get(i)));
            if (index == null) {
                throw new InvalidKeyInputException(
                        "mnemonic word " + (i + 1) + " is not in the BIP-39 English word list; check its spelling");
            }
            indices[i] = index;
        }
        int totalBits = n * 11;
        int checksumBits = totalBits / 33;
        int entropyBits = totalBits - checksumBits;
        byte[] entropy = new byte[entropyBits / 8];
        for (int bit = 0; bit < entropyBits; bit++) {
            if (((indices[bit / 11] >> (10 - bit % 11)) & 1) == 1) {
                entropy[bit / 8] |= (byte) (1 << (7 - bit % 8));
            }
        }
        int[] expected = entropyToIndices(entropy);
        java.util.Arrays.fill(entropy, (byte) 0);
        if (!java.util.Arrays.equals(expected, indices)) {
            throw new InvalidKeyInputException("mnemonic checksum does not match: a word is wrong or out of order");
        }
    }

    /** PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" + passphrase (both NFKD), 64 bytes. */
    public static byte[] seed(byte[] normalizedPhraseUtf8, byte[] normalizedPassphraseUtf8) {
        byte[] prefix = "mnemonic".getBytes(StandardCharsets.UTF_8);
        byte[] salt = Bytes.concat(prefix, normalizedPassphraseUtf8);
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA512Digest());
        generator.init(normalizedPhraseUtf8, salt, 2048);
        byte[] seed = ((KeyParameter) generator.generateDerivedParameters(512)).getKey();
        Bytes.wipe(salt);
        return seed;
    }

    private static List<String> loadWords() {
        try (InputStream in = Bip39.class.getResourceAsStream("bip39-english.txt")) {
            if (in == null) {
                throw new IllegalStateException("the BIP-39 English word list is missing from the keystore jar");
            }
            byte[] bytes = in.readAllBytes();
            String sha = Hex.encode(MessageDigest.getInstance("SHA-256").digest(bytes));
            if (!sha.equals("2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda")) {
                throw new IllegalStateException("the BIP-39 English word list in the keystore jar is altered");
            }
            List<String> words = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            if (words.size() != 2048) {
                throw new IllegalStateException("the BIP-39 English word list must have 2048 words");
            }
            return words;
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read the BIP-39 word list", e);
        }
    }

    private static Map<String, Integer> indexWords() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < WORDS.size(); i++) {
            index.put(WORDS.get(i), i);
        }
        return Map.copyOf(index);
    }
}
