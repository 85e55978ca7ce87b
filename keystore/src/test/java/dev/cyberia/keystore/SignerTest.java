package dev.cyberia.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.internal.EcdsaEngine;
import dev.cyberia.keystore.internal.Hex;
import dev.cyberia.keystore.internal.Keccak;
import dev.cyberia.keystore.internal.LocalSigner;
import dev.cyberia.keystore.internal.Secp256k1;
import dev.cyberia.keystore.internal.TransactionCodec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SignerTest {
    private static final JsonNode ETHERS = Fixtures.json("ethers/signatures.json");

    private static Signer signer(String privateKeyHex) {
        return new LocalSigner(Hex.decode(privateKeyHex, "key"), EcdsaEngine.current());
    }

    @Test
    void eip712MailExample_matchesTheEipDigestAndSignature() {
        String mail = """
                {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},
                  {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
                 "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
                 "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},
                 "primaryType":"Mail",
                 "domain":{"name":"Ether Mail","version":"1","chainId":1,
                   "verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
                 "message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                   "to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}
                """;
        TypedData data = TypedData.fromJson(mail);
        assertThat(data.encodeType())
                .isEqualTo("Mail(Person from,Person to,string contents)Person(string name,address wallet)");
        assertThat(Hex.encode(data.domainSeparator()))
                .isEqualTo("f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
        assertThat(Hex.encode(data.messageHash()))
                .isEqualTo("c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
        assertThat(Hex.encode(data.digest()))
                .isEqualTo("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");

        byte[] cow = Keccak.keccak256("cow".getBytes(StandardCharsets.UTF_8));
        try (Signer signer = new LocalSigner(cow, EcdsaEngine.current())) {
            assertThat(signer.address().toString()).isEqualTo("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
            Signature sig = signer.signTypedData(data);
            assertThat(sig.v()).isEqualTo(28);
            assertThat(sig.r())
                    .isEqualTo(new BigInteger("4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d", 16));
            assertThat(sig.s())
                    .isEqualTo(new BigInteger("07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562", 16));
            assertThat(Signatures.recoverTypedData(data, sig)).isEqualTo(signer.address());
        }
    }

    /** The example of EIP-155 itself. */
    @Test
    void eip155Example_signsToThePublishedTransaction() {
        LegacyTransaction tx = new LegacyTransaction(
                1L,
                BigInteger.valueOf(9),
                BigInteger.valueOf(20_000_000_000L),
                BigInteger.valueOf(21000),
                Address.parse("0x3535353535353535353535353535353535353535"),
                new BigInteger("1000000000000000000"),
                new byte[0]);
        assertThat(Hex.encode(TransactionCodec.signingDigest(tx)))
                .isEqualTo("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
        try (Signer signer = signer("4646464646464646464646464646464646464646464646464646464646464646")) {
            assertThat(signer.signTransaction(tx).rawHex())
                    .isEqualTo("0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000"
                            + "8025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761a"
                            + "ecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
        }
    }

    @Test
    void personalMessages_matchEthers() {
        try (Signer signer = signer(ETHERS.get("privateKey").asText())) {
            assertThat(signer.address().toString())
                    .isEqualTo(ETHERS.get("address").asText());
            for (JsonNode m : ETHERS.get("personal")) {
                byte[] message = m.get("message").asText().getBytes(StandardCharsets.UTF_8);
                Signature sig = signer.signPersonalMessage(message);
                assertThat(sig.toHex()).isEqualTo(m.get("signature").asText());
                assertThat(Signatures.recoverPersonalMessage(message, sig)).isEqualTo(signer.address());
            }
        }
    }

    @Test
    void typedData_withArraysNestedStructsSaltAndSignedInts_matchesEthers() throws Exception {
        try (Signer signer = signer(ETHERS.get("privateKey").asText())) {
            for (JsonNode t : ETHERS.get("typed")) {
                TypedData data = TypedData.fromJson(Fixtures.JSON.writeValueAsString(t.get("document")));
                assertThat(Hex.prefixed(data.digest()))
                        .isEqualTo(t.get("digest").asText());
                assertThat(signer.signTypedData(data).toHex())
                        .isEqualTo(t.get("signature").asText());
            }
        }
    }

    @Test
    void transactions_matchEthersByteForByte() {
        try (Signer signer = signer(ETHERS.get("privateKey").asText())) {
            for (JsonNode t : ETHERS.get("transactions")) {
                JsonNode in = t.get("input");
                Address to = in.get("to").isNull()
                        ? null
                        : Address.parse(in.get("to").asText());
                byte[] data = in.get("data").asText().length() == 2
                        ? new byte[0]
                        : Hex.decode(in.get("data").asText(), "data");
                UnsignedTransaction tx = in.get("type").asInt() == 2
                        ? new Eip1559Transaction(
                                in.get("chainId").asLong(),
                                big(in, "nonce"),
                                big(in, "maxPriorityFeePerGas"),
                                big(in, "maxFeePerGas"),
                                big(in, "gasLimit"),
                                to,
                                big(in, "value"),
                                data)
                        : new LegacyTransaction(
                                in.get("chainId").asLong(),
                                big(in, "nonce"),
                                big(in, "gasPrice"),
                                big(in, "gasLimit"),
                                to,
                                big(in, "value"),
                                data);
                assertThat(Hex.prefixed(TransactionCodec.signingDigest(tx)))
                        .isEqualTo(t.get("unsignedHash").asText());
                SignedTransaction signed = signer.signTransaction(tx);
                assertThat(signed.rawHex()).isEqualTo(t.get("raw").asText());
                assertThat(signed.hashHex()).isEqualTo(t.get("hash").asText());
            }
        }
    }

    private static BigInteger big(JsonNode node, String field) {
        return new BigInteger(node.get(field).asText());
    }

    @Test
    void signatures_areDeterministicLowSAndRecoverable_forManyKeys() {
        Random random = new Random(42);
        BigInteger halfN = Secp256k1.N.shiftRight(1);
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            if (!Secp256k1.isValidPrivateKey(key)) {
                continue;
            }
            byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
            try (Signer signer = new LocalSigner(key, EcdsaEngine.current())) {
                Signature first = signer.signPersonalMessage(message);
                assertThat(signer.signPersonalMessage(message)).isEqualTo(first);
                assertThat(first.s()).isLessThanOrEqualTo(halfN);
                assertThat(Signatures.recoverPersonalMessage(message, first)).isEqualTo(signer.address());
            }
        }
    }

    @Test
    void recover_withAlteredMessage_givesAnotherAddress() {
        try (Signer signer = signer(ETHERS.get("privateKey").asText())) {
            Signature sig = signer.signPersonalMessage("pay 1".getBytes(StandardCharsets.UTF_8));
            assertThat(Signatures.recoverPersonalMessage("pay 9".getBytes(StandardCharsets.UTF_8), sig))
                    .isNotEqualTo(signer.address());
        }
    }

    @Test
    void closedSigner_refusesToSign_andNeverPrintsItsKey() {
        Signer signer = signer(ETHERS.get("privateKey").asText());
        assertThat(signer.toString()).contains("***").doesNotContain("4c0883a6");
        signer.close();
        assertThatThrownBy(() -> signer.signPersonalMessage(new byte[] {1}))
                .isInstanceOf(KeystoreException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void privateKeyOutOfRange_isRefused() {
        assertThatThrownBy(() -> new LocalSigner(new byte[32], EcdsaEngine.current()))
                .isInstanceOf(InvalidKeyInputException.class)
                .hasMessageContaining("out of range");
        byte[] n = dev.cyberia.keystore.internal.Bytes.toFixed(Secp256k1.N, 32);
        assertThatThrownBy(() -> new LocalSigner(n, EcdsaEngine.current())).hasMessageContaining("out of range");
    }

    @Test
    void typedData_badDocuments_failWithClearMessages() {
        String base =
                "{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"uint8\"}]},\"primaryType\":\"T\",\"domain\":{\"name\":\"x\"},";
        assertThatThrownBy(() -> TypedData.fromJson(base + "\"message\":{\"a\":256}}"))
                .hasMessageContaining("out of range for uint8");
        assertThatThrownBy(() -> TypedData.fromJson(base + "\"message\":{}}"))
                .hasMessageContaining("T.a (uint8) is missing");
        assertThatThrownBy(() -> TypedData.fromJson(base + "\"message\":{\"a\":1,\"b\":2}}"))
                .hasMessageContaining("no member 'b'");
        assertThatThrownBy(() -> TypedData.fromJson("{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"Nope\"}]},"
                        + "\"primaryType\":\"T\",\"domain\":{},\"message\":{\"a\":1}}"))
                .hasMessageContaining("neither defined nor an EIP-712 atomic type");
        assertThatThrownBy(() -> TypedData.fromJson("{not json")).hasMessageContaining("not valid JSON");
    }
}
