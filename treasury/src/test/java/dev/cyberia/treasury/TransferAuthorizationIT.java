package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Eip1559Transaction;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Abi;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** EIP-3009 authorizations signed through the keystore are honoured by ComputeToken on anvil, once. */
class TransferAuthorizationIT extends OnDevnet {

    private TokenDomain domain() {
        return new TokenDomain("ComputeToken", "1", Devnet.CHAIN_ID, info.token());
    }

    @Test
    void signedAuthorization_isSettledByARelayer_once() {
        Address payer = address(3);
        Address seller = address(2);
        fundTokens(payer, "5");
        Instant now = Instant.ofEpochSecond(System.currentTimeMillis() / 1000);
        TransferAuthorization auth;
        try (Signer payerKey = signer(3)) {
            auth = TransferAuthorization.sign(
                    payerKey,
                    domain(),
                    seller,
                    cyb("1.5"),
                    now.minusSeconds(60),
                    now.plusSeconds(600),
                    new SecureRandom());
        }
        assertThat(auth.isSignedByPayer()).isTrue();
        BigInteger payerEthBefore = chain.balance(payer);

        try (Signer relayer = signer(2)) {
            Receipt receipt = submit(relayer, auth.transferWithAuthorizationCall());
            assertThat(receipt.succeeded()).isTrue();
            assertThat(Erc20.balanceOf(chain, info.token(), seller)).isEqualTo(1_500_000);
            assertThat(Erc20.balanceOf(chain, info.token(), payer)).isEqualTo(3_500_000);
            assertThat(chain.balance(payer)).as("the payer paid no gas").isEqualTo(payerEthBefore);
            byte[] used = chain.call(
                    info.token(), Abi.call("authorizationState(address,bytes32)", payer, Abi.bytes(auth.nonce())));
            assertThat(Abi.uint(Abi.hex(used))).isEqualTo(BigInteger.ONE);

            Receipt replay = submit(relayer, auth.transferWithAuthorizationCall());
            assertThat(replay.succeeded())
                    .as("a replayed authorization reverts")
                    .isFalse();
            assertThat(Erc20.balanceOf(chain, info.token(), seller)).isEqualTo(1_500_000);
        }
    }

    @Test
    void tamperedAuthorization_isNotSignedByThePayer_andTheTokenRefusesIt() {
        Address payer = address(3);
        fundTokens(payer, "5");
        Instant now = Instant.ofEpochSecond(System.currentTimeMillis() / 1000);
        TransferAuthorization auth;
        try (Signer payerKey = signer(3)) {
            auth = TransferAuthorization.sign(
                    payerKey,
                    domain(),
                    address(2),
                    cyb("1"),
                    now.minusSeconds(60),
                    now.plusSeconds(600),
                    new SecureRandom());
        }
        TransferAuthorization inflated = new TransferAuthorization(
                auth.domain(),
                auth.from(),
                auth.to(),
                BigInteger.valueOf(5_000_000),
                auth.validAfter(),
                auth.validBefore(),
                auth.nonce(),
                auth.signature());
        assertThat(inflated.isSignedByPayer()).isFalse();
        try (Signer relayer = signer(2)) {
            assertThat(submit(relayer, inflated.transferWithAuthorizationCall()).succeeded())
                    .isFalse();
        }
        assertThat(Erc20.balanceOf(chain, info.token(), address(2))).isZero();
    }

    @Test
    void tokenDomain_isReadFromTheContract() {
        assertThat(TokenDomain.readFrom(chain, info.token())).isEqualTo(domain());
    }

    @Test
    void emptyWindowOrZeroValue_isRefusedBeforeSigning() {
        Instant now = Instant.now();
        try (Signer payerKey = signer(3)) {
            assertThatThrownBy(() -> TransferAuthorization.sign(
                            payerKey, domain(), address(2), cyb("1"), now, now, new SecureRandom()))
                    .hasMessageContaining("validBefore must be after");
            assertThatThrownBy(() -> TransferAuthorization.sign(
                            payerKey, domain(), address(2), cyb("0"), now, now.plusSeconds(9), new SecureRandom()))
                    .hasMessageContaining("more than zero");
        }
    }

    /** Sends a contract call from the relayer with a fixed gas limit, so reverts are mined (not refused by estimation). */
    private static Receipt submit(Signer relayer, byte[] data) {
        Fees fees = chain.suggestFees();
        String hash = chain.sendRawTransaction(relayer.signTransaction(new Eip1559Transaction(
                        Devnet.CHAIN_ID,
                        chain.nonce(relayer.address(), true),
                        fees.maxPriorityFeePerGas(),
                        fees.maxFeePerGas(),
                        BigInteger.valueOf(200_000),
                        info.token(),
                        BigInteger.ZERO,
                        data))
                .raw());
        for (int i = 0; i < 200; i++) {
            var receipt = chain.receipt(hash);
            if (receipt.isPresent()) {
                return receipt.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("not mined: " + hash);
    }
}
