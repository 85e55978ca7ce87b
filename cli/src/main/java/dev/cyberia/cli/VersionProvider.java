package dev.cyberia.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = CyberiaCommand.class.getPackage().getImplementationVersion();
        return new String[] {
            "cyberia " + (version == null ? "(development build)" : version),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            "secp256k1: " + dev.cyberia.keystore.Signatures.engine()
        };
    }
}
