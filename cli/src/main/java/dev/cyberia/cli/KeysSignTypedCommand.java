package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Signature;
import dev.cyberia.keystore.TypedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sign-typed",
        description = "Sign EIP-712 typed data given in the standard JSON form (as eth_signTypedData_v4 takes it).")
final class KeysSignTypedCommand extends Subcommand {
    private static final long MAX_BYTES = 1 << 20;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "The typed-data JSON file.")
    Path file;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "Read the key's passphrase from this file's first line.")
    Path passphraseFile;

    @Override
    public Integer call() {
        TypedData data = TypedData.fromJson(read(file));
        SignedBy signed = withSigner(
                name, passphraseFile, signer -> new SignedBy(signer.address().toString(), signer.signTypedData(data)));
        String address = signed.address();
        Signature signature = signed.signature();
        String digest = "0x" + HexFormat.of().formatHex(data.digest());
        ObjectNode json = Json.object();
        json.put("address", address);
        json.put("primaryType", data.primaryType());
        json.put("digest", digest);
        json.put("signature", signature.toHex());
        print(
                json,
                String.join(
                        System.lineSeparator(),
                        "address:     " + address,
                        "primaryType: " + data.primaryType(),
                        "digest:      " + digest,
                        "signature:   " + signature.toHex()));
        return 0;
    }

    private static String read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CliInputException("typed-data file " + file + " is larger than 1 MiB");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliInputException("typed-data file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliInputException("cannot read typed-data file " + file + ": " + e.getMessage());
        }
    }
}
