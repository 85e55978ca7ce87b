package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.Signatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sign",
        description = "Sign a message as an EIP-191 personal message (what personal_sign and ethers' signMessage do).")
final class KeysSignCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "MESSAGE", description = "The message, as UTF-8 text (or hex with --hex).")
    String message;

    @Option(names = "--hex", description = "MESSAGE is 0x-prefixed hex bytes rather than text.")
    boolean hex;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "Read the key's passphrase from this file's first line.")
    Path passphraseFile;

    @Override
    public Integer call() {
        byte[] bytes = hex ? parseHex(message) : message.getBytes(StandardCharsets.UTF_8);
        SignedBy signed = withSigner(
                name,
                passphraseFile,
                signer -> new SignedBy(signer.address().toString(), signer.signPersonalMessage(bytes)));
        String address = signed.address();
        Signature signature = signed.signature();
        String digest = "0x" + HexFormat.of().formatHex(Signatures.personalMessageDigest(bytes));
        ObjectNode json = Json.object();
        json.put("address", address);
        json.put("digest", digest);
        json.put("signature", signature.toHex());
        print(
                json,
                String.join(
                        System.lineSeparator(),
                        "address:   " + address,
                        "digest:    " + digest,
                        "signature: " + signature.toHex()));
        return 0;
    }

    private static byte[] parseHex(String text) {
        if (!text.startsWith("0x") || text.length() % 2 != 0) {
            throw new CliInputException("with --hex, MESSAGE must be 0x followed by an even number of hex digits");
        }
        try {
            return HexFormat.of().parseHex(text.substring(2));
        } catch (IllegalArgumentException e) {
            throw new CliInputException("with --hex, MESSAGE must be 0x followed by hex digits only");
        }
    }
}
