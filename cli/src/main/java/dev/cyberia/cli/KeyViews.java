package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.KeyInfo;

/** How a stored key is shown, to people and as JSON. */
final class KeyViews {
    private KeyViews() {}

    static ObjectNode json(KeyInfo key) {
        ObjectNode node = Json.object();
        node.put("name", key.name());
        node.put("address", key.address().toString());
        node.put("file", key.file().toString());
        node.put("kdf", key.kdf());
        node.put("created", key.created().toString());
        node.put("origin", key.origin().name().toLowerCase(java.util.Locale.ROOT));
        key.derivationPath().ifPresentOrElse(p -> node.put("derivationPath", p), () -> node.putNull("derivationPath"));
        return node;
    }

    static String human(KeyInfo key) {
        return String.join(
                System.lineSeparator(),
                "name:    " + key.name(),
                "address: " + key.address(),
                "file:    " + key.file(),
                "kdf:     " + key.kdf(),
                "created: " + key.created(),
                "origin:  "
                        + key.origin().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                        + key.derivationPath().map(p -> " (" + p + ")").orElse(""));
    }
}
