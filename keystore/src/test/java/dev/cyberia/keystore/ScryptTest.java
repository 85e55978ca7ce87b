package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.internal.Hex;
import dev.cyberia.keystore.internal.Scrypt;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

class ScryptTest {

    /** RFC 7914, section 12, vectors 1-3. */
    @Test
    void rfc7914Vectors() {
        assertThat(Hex.encode(Scrypt.derive(new byte[0], new byte[0], 16, 1, 1, 64)))
                .isEqualTo("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                        + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
        assertThat(Hex.encode(Scrypt.derive(bytes("password"), bytes("NaCl"), 1024, 8, 16, 64)))
                .isEqualTo("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                        + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
        assertThat(Hex.encode(Scrypt.derive(bytes("pleaseletmein"), bytes("SodiumChloride"), 16384, 8, 1, 64)))
                .isEqualTo("7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                        + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
    }

    @Test
    void agreesWithBouncyCastle_whereBouncyCastleAcceptsTheParameters() {
        byte[] password = bytes("agent passphrase");
        byte[] salt = bytes("0123456789abcdef0123456789abcdef");
        assertThat(Scrypt.derive(password, salt, 4096, 8, 6, 32))
                .isEqualTo(SCrypt.generate(password, salt, 4096, 8, 6, 32));
        assertThat(Scrypt.derive(password, salt, 1024, 2, 3, 48))
                .isEqualTo(SCrypt.generate(password, salt, 1024, 2, 3, 48));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
