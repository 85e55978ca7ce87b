package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.Signature;

/** {@link EcdsaEngine} on Bouncy Castle's fixed-base comb multiplier. */
public final class BouncyCastleEcdsa implements EcdsaEngine {
    public static final BouncyCastleEcdsa INSTANCE = new BouncyCastleEcdsa();

    private BouncyCastleEcdsa() {}

    @Override
    public byte[] publicKey(byte[] privateKey) {
        return Secp256k1.publicKey(privateKey);
    }

    @Override
    public Signature sign(byte[] digest32, byte[] privateKey) {
        Secp256k1.Rsv rsv = Secp256k1.sign(digest32, privateKey);
        return new Signature(rsv.r(), rsv.s(), rsv.recoveryId() & 1);
    }

    @Override
    public String name() {
        return "Bouncy Castle";
    }

    @Override
    public byte[] recover(byte[] digest32, Signature signature) {
        return Secp256k1.recover(digest32, signature.r(), signature.s(), signature.yParity());
    }
}
