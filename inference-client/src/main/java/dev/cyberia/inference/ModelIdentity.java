package dev.cyberia.inference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The hash that names what a model folder computes: its weights, config, tokenizer and template. */
final class ModelIdentity {
    /** The files that decide what the model answers; a missing one counts as empty. */
    static final List<String> FILES =
            List.of("model.onnx", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json");

    private ModelIdentity() {}

    static String of(Path folder) {
        MessageDigest all = sha256();
        for (String name : FILES) {
            Path file = folder.resolve(name);
            MessageDigest one = sha256();
            if (Files.isRegularFile(file)) {
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), one)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                    throw new InvalidModelException(
                            "model folder " + folder + ": cannot read " + name + " (" + e.getMessage() + ")", e);
                }
            }
            all.update((name + ":" + HexFormat.of().formatHex(one.digest()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return "sha256:" + HexFormat.of().formatHex(all.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
