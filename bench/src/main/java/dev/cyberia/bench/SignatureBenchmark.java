package dev.cyberia.bench;

import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signatures;
import dev.cyberia.keystore.Signer;
import dev.cyberia.keystore.TypedData;
import fr.acinq.secp256k1.Secp256k1;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signatures per second on one thread (one core): our {@link Signer} (EIP-191, EIP-712) and
 * recovery, against the raw library calls underneath (Bouncy Castle's ECDSASigner) and the
 * native libsecp256k1 binding (fr.acinq secp256k1-kmp).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class SignatureBenchmark {
    static final String PRIVATE_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    static final String TYPED_DATA = """
            {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},
              {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
             "TransferWithAuthorization":[{"name":"from","type":"address"},{"name":"to","type":"address"},
              {"name":"value","type":"uint256"},{"name":"validAfter","type":"uint256"},
              {"name":"validBefore","type":"uint256"},{"name":"nonce","type":"bytes32"}]},
             "primaryType":"TransferWithAuthorization",
             "domain":{"name":"ComputeToken","version":"1","chainId":31337,
               "verifyingContract":"0x5FbDB2315678afecb367f032d93F642f64180aa3"},
             "message":{"from":"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
               "to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"1250000","validAfter":"0",
               "validBefore":"1893456000","nonce":"0xabababababababababababababababababababababababababababababababab"}}
            """;

    private Path home;
    private Signer signer;
    private byte[] message;
    private TypedData typedData;
    private Signature personalSignature;
    private Signature typedSignature;
    private byte[] digest;
    private byte[] privateKey;
    private ECDSASigner bouncyCastle;
    private byte[] nativeSignature;
    private int nativeRecoveryId;
    private byte[] nativePublicKey;

    @Setup
    public void setUp() throws IOException {
        home = Files.createTempDirectory("cyberia-bench");
        privateKey = HexFormat.of().parseHex(PRIVATE_KEY);
        Keystore keystore = Keystore.open(home);
        try (Passphrase p = Passphrase.wrap("bench".toCharArray())) {
            keystore.importPrivateKey("bench", privateKey.clone(), p, Kdf.LIGHT);
        }
        try (Passphrase p = Passphrase.wrap("bench".toCharArray())) {
            signer = keystore.unlock("bench", p);
        }
        message = "Pay 1.25 CYB to the miner for one inference".getBytes(StandardCharsets.UTF_8);
        typedData = TypedData.fromJson(TYPED_DATA);
        personalSignature = signer.signPersonalMessage(message);
        typedSignature = signer.signTypedData(typedData);
        digest = Signatures.personalMessageDigest(message);

        X9ECParameters params = CustomNamedCurves.getByName("secp256k1");
        bouncyCastle = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        bouncyCastle.init(
                true,
                new ECPrivateKeyParameters(
                        new BigInteger(1, privateKey),
                        new ECDomainParameters(params.getCurve(), params.getG(), params.getN(), params.getH())));

        nativeSignature = Secp256k1.Companion.sign(digest, privateKey, null);
        nativePublicKey = Secp256k1.Companion.pubkeyCreate(privateKey);
        nativeRecoveryId = recoveryIdOf(nativeSignature);
        byte[] ours = personalSignature.toBytes();
        if (!Arrays.equals(Arrays.copyOf(ours, 64), nativeSignature)
                || nativeRecoveryId != personalSignature.yParity()) {
            throw new IllegalStateException("native and Bouncy Castle signatures differ");
        }
    }

    private int recoveryIdOf(byte[] compact) {
        for (int id = 0; id < 2; id++) {
            if (Arrays.equals(Secp256k1.Companion.ecdsaRecover(compact, digest, id), nativePublicKey)) {
                return id;
            }
        }
        throw new IllegalStateException("no recovery id matches");
    }

    @TearDown
    public void tearDown() throws IOException {
        signer.close();
        Folders.delete(home);
    }

    @Benchmark
    public Signature signerSignEip191() {
        return signer.signPersonalMessage(message);
    }

    @Benchmark
    public Signature signerSignEip712() {
        return signer.signTypedData(typedData);
    }

    @Benchmark
    public Object signatureRecoverEip191() {
        return Signatures.recoverPersonalMessage(message, personalSignature);
    }

    @Benchmark
    public Object signatureRecoverEip712() {
        return Signatures.recoverTypedData(typedData, typedSignature);
    }

    @Benchmark
    public byte[] eip712ParseAndHash() {
        return TypedData.fromJson(TYPED_DATA).digest();
    }

    /** Bouncy Castle's own ECDSA (RFC 6979), no low-s or recovery id: the floor under our Signer. */
    @Benchmark
    public BigInteger[] bouncyCastleRawSign() {
        return bouncyCastle.generateSignature(digest);
    }

    @Benchmark
    public byte[] nativeRawSign() {
        return Secp256k1.Companion.sign(digest, privateKey, null);
    }

    /** What an Ethereum signer on the native library would do: sign, then find v by recovery. */
    @Benchmark
    public int nativeSignWithRecoveryId() {
        return recoveryIdOf(Secp256k1.Companion.sign(digest, privateKey, null));
    }

    @Benchmark
    public byte[] nativeRawRecover() {
        return Secp256k1.Companion.ecdsaRecover(nativeSignature, digest, nativeRecoveryId);
    }
}
