package dev.cyberia.cli;

import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.ReplayValidator;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "validator",
        description = "Answer ERC-8004 validation requests by re-executing the answers they describe.",
        subcommands = {ValidatorCommand.Serve.class})
final class ValidatorCommand extends CommandGroup {
    @Command(
            name = "serve",
            description = "Replay every validation request addressed to the key's wallet through a local copy of the"
                    + " model, and answer 100 (the model's answer) or 0 (not), until Ctrl-C.")
    static final class Serve extends Subcommand {
        @Option(
                names = "--key",
                required = true,
                paramLabel = "NAME",
                description = "The validator's key: requests name its address, and it pays the gas of its answers.")
        String key;

        @Option(
                names = "--model",
                required = true,
                paramLabel = "DIR",
                description = "The model the answers claim to come from.")
        Path model;

        @Option(
                names = "--every",
                defaultValue = "10s",
                description = "How often to look for new requests (default ${DEFAULT-VALUE}).")
        String every;

        @Option(names = "--once", description = "Answer what is waiting now, then stop.")
        boolean once;

        @Option(
                names = "--tolerance",
                defaultValue = "0.01",
                description = "The largest gap in log-probability taken as the same figure (default ${DEFAULT-VALUE}).")
        double tolerance;

        @Option(names = "--passphrase-file", paramLabel = "FILE")
        Path passphraseFile;

        @Mixin
        ChainOptions chainOptions;

        @Override
        public Integer call() throws Exception {
            Duration interval;
            try {
                interval = AgentDefinitions.parseDuration(every);
            } catch (IllegalArgumentException e) {
                throw new CliInputException("--every '" + every + "': " + e.getMessage());
            }
            if (!(tolerance > 0 && tolerance < 1)) {
                throw new CliInputException(
                        "--tolerance is a gap in log-probability above 0 and below 1, not " + tolerance);
            }
            ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
            dev.cyberia.treasury.TrustRegistries trust = chain.trust()
                    .orElseThrow(
                            () -> new CliInputException(
                                    "no ERC-8004 registries: run on the devnet ('cyberia devnet"
                                            + " up' deploys them) or set CYBERIA_TRUST_REGISTRIES=IDENTITY,REPUTATION,VALIDATION"));
            try (Passphrase passphrase =
                            Passphrases.existing(passphraseFile, environment(), "Passphrase for '" + key + "': ");
                    Signer signer = keystore().unlock(key, passphrase);
                    TreasuryDatabase db = root().openDatabase();
                    LocalModel local = LocalModel.open(model)) {
                ReplayValidator validator = new ReplayValidator(
                        trust,
                        local,
                        chain.treasury(db, signer.address(), environment().clock()),
                        signer,
                        tolerance);
                out().println("validator " + signer.address() + " replaying through " + local.name() + " ("
                        + local.identity() + ")" + (once ? "" : ", every " + every + "; Ctrl-C stops"));
                out().flush();
                try (ShutdownSignal stop = new ShutdownSignal()) {
                    do {
                        for (ReplayValidator.Answer a : validator.answerPending()) {
                            out().println("answered " + a.requestHash() + ": " + a.response() + " (" + a.finding()
                                    + ")");
                            out().flush();
                        }
                    } while (!once && !stop.await(interval));
                }
            }
            return 0;
        }
    }
}
