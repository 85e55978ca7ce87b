package dev.cyberia.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    /** The commit the build was made from (written at build time), or "unknown". */
    static String commit() {
        return built("commit.txt");
    }

    /** A fact the build wrote beside the classes, or "unknown". */
    private static String built(String name) {
        try (java.io.InputStream in = VersionProvider.class.getResourceAsStream(name)) {
            return in == null
                    ? "unknown"
                    : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        String version = CyberiaCommand.class.getPackage().getImplementationVersion();
        return new String[] {
            "cyberia " + (version == null ? built("version.txt") : version) + ", commit " + commit(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            "secp256k1: " + dev.cyberia.keystore.Signatures.engine()
        };
    }
}
