package dev.cyberia.cli;

import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.MinerServer;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "miner",
        description = "Sell inference for tokens over x402.",
        subcommands = {MinerCommand.Serve.class})
final class MinerCommand extends CommandGroup {
    @Command(
            name = "serve",
            description =
                    "Serve a local model over an OpenAI-compatible API, paid per request with x402 (until Ctrl-C);"
                            + " with --price 0, a free plain OpenAI-compatible server that needs no key.")
    static final class Serve extends Subcommand {
        @Option(
                names = "--key",
                paramLabel = "NAME",
                description = "The miner's key: is paid, pays settlement gas, signs receipts (not needed at price 0).")
        String key;

        @picocli.CommandLine.ArgGroup(multiplicity = "1")
        Backend backend;

        static final class Backend {
            @Option(
                    names = "--model",
                    paramLabel = "DIR",
                    description = "A local model folder (Hugging Face ONNX layout).")
            Path model;

            @Option(
                    names = "--upstream",
                    paramLabel = "URL",
                    description = "Resell an OpenAI-compatible endpoint instead.")
            java.net.URI upstream;
        }

        @Option(
                names = "--upstream-model",
                paramLabel = "ID",
                description = "With --upstream: the model id there (default: its first).")
        String upstreamModel;

        @Option(
                names = "--upstream-key-file",
                paramLabel = "FILE",
                description = "With --upstream: a file holding its API key.")
        Path upstreamKeyFile;

        @Option(
                names = "--price",
                required = true,
                paramLabel = "AMOUNT",
                description = "Price per request, in token units (e.g. 0.01); 0 serves for free, without x402.")
        String price;

        @Option(
                names = "--price-per-token",
                paramLabel = "AMOUNT",
                description =
                        "Over an x402 channel, charge each answer its generated tokens times this, up to --price.")
        String pricePerToken;

        @Option(names = "--port", defaultValue = "8402", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--passphrase-file", paramLabel = "FILE")
        Path passphraseFile;

        @Mixin
        FacilitatorOption facilitatorOption;

        @Option(
                names = "--no-publish",
                negatable = true,
                defaultValue = "true",
                description = "Publish (or update) this miner's offer in the market registry on start (default).")
        boolean publish;

        @Option(
                names = "--appeal-to",
                paramLabel = "ADDRESS",
                description = "Register this miner as an ERC-8004 agent and, when a buyer rates an answer of it"
                        + " disputed, ask this validator (its wallet) to replay that answer.")
        String appealTo;

        @Option(
                names = "--appeal-every",
                paramLabel = "DURATION",
                defaultValue = "30s",
                description = "How often to look for new disputes to appeal (default ${DEFAULT-VALUE}).")
        String appealEvery;

        @Mixin
        ChainOptions chainOptions;

        private dev.cyberia.inference.ChatBackend backendInUse;

        /** Opens the backend this miner sells; the returned handle closes it. */
        private AutoCloseable openBackend() {
            if (backend.model != null) {
                LocalModel local = LocalModel.open(backend.model);
                backendInUse = dev.cyberia.inference.ChatBackend.local(local);
                return local;
            }
            String key = upstreamKeyFile == null
                    ? null
                    : new String(
                            Passphrases.firstLine(Passphrases.readSecretFile(upstreamKeyFile, "upstream key file")));
            String id = upstreamModel != null ? upstreamModel : InferCommand.firstModel(backend.upstream);
            backendInUse = dev.cyberia.inference.ChatBackend.upstream(
                    new dev.cyberia.inference.OpenAiCompatibleChatModel(backend.upstream, id, key));
            return () -> {};
        }

        @Override
        public Integer call() throws Exception {
            if (isFree(price)) {
                return serveFree();
            }
            if (key == null) {
                throw new CliInputException("a priced miner needs --key NAME (it is paid, pays gas and signs receipts);"
                        + " use --price 0 to serve for free");
            }
            java.util.Optional<Appeals> appealOptions = appeals(); // checked before anything starts
            ChainOptions.Resolved chain = chainOptions.resolve(environment(), root().home());
            Amount perRequest = Amount.parsePositive(price, chain.token());
            java.util.Optional<Appeals> appeals = appealOptions.map(a -> a.on(chain));
            TokenDomain domain = chain.domain();
            MinerServer.Config config = MinerServer.Config.local(port, perRequest, domain);
            java.util.Optional<dev.cyberia.treasury.X402Facilitator> settler = facilitatorOption.resolve(chain);
            if (settler.isPresent()) {
                config = config.settledBy(settler.get());
            }
            if (pricePerToken != null) {
                Amount each = Amount.parsePositive(pricePerToken, chain.token());
                if (each.compareTo(perRequest) > 0) {
                    throw new CliInputException("--price-per-token " + each + " is above --price " + perRequest
                            + "; a token cannot cost more than a whole answer");
                }
                config = config.pricedPerToken(each);
            }
            String settlement = settler.map(f -> "settled by " + f).orElse("settled by the miner");
            try (Passphrase passphrase =
                            Passphrases.existing(passphraseFile, environment(), "Passphrase for '" + key + "': ");
                    Signer signer = keystore().unlock(key, passphrase);
                    TreasuryDatabase db = root().openDatabase();
                    AutoCloseable closeable = openBackend()) {
                dev.cyberia.inference.ChatBackend local = backendInUse;
                Treasury wallet =
                        chain.treasury(db, signer.address(), environment().clock());
                try (MinerServer server = MinerServer.start(
                        config, local, wallet, signer, environment().clock())) {
                    out().println("miner " + signer.address() + " serving " + local.name() + " at " + server.baseUri()
                            + " for "
                            + perRequest + " per request ("
                            + (server.takesChannels()
                                    ? "x402 exact, or a channel"
                                            + (pricePerToken == null
                                                    ? ""
                                                    : " at " + config.perToken().orElseThrow() + " per token")
                                    : "x402 exact")
                            + ", "
                            + dev.cyberia.treasury.X402.network(chain.chain().chainId())
                            + ", " + settlement + "); Ctrl-C stops");
                    if (publish && chain.market().isPresent()) {
                        out().println(Offers.publish(
                                chain.market().get(),
                                new OfferDraft(Offer.Kind.INFERENCE, local.name(), server.baseUri(), perRequest)
                                        .withSchemes(server.schemes()),
                                wallet,
                                signer));
                    }
                    if (appeals.isPresent()) {
                        serveAppeals(appeals.get(), chain, server, wallet, signer);
                    } else {
                        out().flush();
                        awaitStop();
                    }
                }
            }
            return 0;
        }

        /** What --appeal-to asks for: the validator, how often to look, and the registries (once the chain is known). */
        private record Appeals(
                dev.cyberia.keystore.Address validator,
                java.time.Duration every,
                dev.cyberia.treasury.TrustRegistries trust) {
            Appeals on(ChainOptions.Resolved chain) {
                return new Appeals(
                        validator,
                        every,
                        chain.trust()
                                .orElseThrow(() -> new CliInputException("--appeal-to needs the ERC-8004 registries:"
                                        + " run on the devnet ('cyberia devnet up' deploys them) or set"
                                        + " CYBERIA_TRUST_REGISTRIES=IDENTITY,REPUTATION,VALIDATION")));
            }
        }

        private java.util.Optional<Appeals> appeals() {
            if (appealTo == null) {
                return java.util.Optional.empty();
            }
            dev.cyberia.keystore.Address validator;
            try {
                validator = dev.cyberia.keystore.Address.parse(appealTo.trim());
            } catch (RuntimeException e) {
                throw new CliInputException(
                        "--appeal-to needs the validator's wallet address (0x…), not '" + appealTo + "'");
            }
            java.time.Duration every;
            try {
                every = dev.cyberia.agentcore.AgentDefinitions.parseDuration(appealEvery);
            } catch (IllegalArgumentException e) {
                throw new CliInputException("--appeal-every '" + appealEvery + "': " + e.getMessage());
            }
            return java.util.Optional.of(new Appeals(validator, every, null));
        }

        /** Registers the miner's identity, then appeals each new dispute of its answers until stopped. */
        private void serveAppeals(
                Appeals appeals, ChainOptions.Resolved chain, MinerServer server, Treasury wallet, Signer signer)
                throws InterruptedException {
            com.fasterxml.jackson.databind.node.ObjectNode file =
                    new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            file.put("type", "https://eips.ethereum.org/EIPS/eip-8004#registration-v1");
            file.put("name", backendInUse.name() + " miner");
            file.put(
                    "description",
                    "Sells " + backendInUse.name()
                            + " answers over x402, each fingerprinted and with a signed receipt.");
            file.putArray("services").addObject().put("name", "OpenAI").put("endpoint", server.baseUri() + "/v1");
            file.put("x402Support", true);
            file.putArray("supportedTrust").add("reputation").add("validation");
            String registration = file.toString();
            long agentId = appeals.trust()
                    .register(
                            "data:application/json;base64,"
                                    + java.util.Base64.getEncoder()
                                            .encodeToString(
                                                    registration.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            wallet,
                            signer)
                    .agentId();
            dev.cyberia.inference.MinerAppeals appealing = new dev.cyberia.inference.MinerAppeals(
                    appeals.trust(), agentId, appeals.validator(), server, wallet, signer);
            out().println("ERC-8004 agent #" + agentId + " in "
                    + appeals.trust().agentRegistry()
                    + "; disputes of its answers are appealed to " + appeals.validator() + " every "
                    + appealEvery);
            out().flush();
            try (ShutdownSignal stop = new ShutdownSignal()) {
                do {
                    try {
                        for (dev.cyberia.inference.MinerAppeals.Appeal a : appealing.appealNew()) {
                            out().println("dispute by " + a.client() + " (#" + a.feedbackIndex() + "): " + a.outcome()
                                    + a.requestHash().map(h -> " [" + h + "]").orElse(""));
                        }
                    } catch (RuntimeException e) {
                        err().println("cannot look for disputes now: " + e.getMessage());
                    }
                    out().flush();
                } while (!stop.await(appeals.every()));
            }
        }

        private static boolean isFree(String price) {
            try {
                return new java.math.BigDecimal(price.trim()).signum() == 0;
            } catch (NumberFormatException e) {
                throw new CliInputException(
                        "--price must be an amount of token units, e.g. 0.01 or 0, not '" + price + "'");
            }
        }

        /** A free server: plain OpenAI-compatible, no x402, no key, no chain. */
        private int serveFree() throws Exception {
            try (AutoCloseable closeable = openBackend();
                    MinerServer server = MinerServer.startFree(MinerServer.Config.free(port), backendInUse)) {
                out().println("serving " + backendInUse.name() + " at " + server.baseUri()
                        + "/v1 for free (plain OpenAI-compatible: no x402, no receipts); Ctrl-C stops");
                out().flush();
                awaitStop();
            }
            return 0;
        }

        /**
         * Until Ctrl-C or SIGTERM, caught before the JVM starts shutting down: the miner then closes
         * normally (answers in flight finish, its channels' charges are claimed) and the command returns.
         */
        private static void awaitStop() throws InterruptedException {
            try (ShutdownSignal stop = new ShutdownSignal()) {
                while (!stop.await(java.time.Duration.ofHours(1))) {
                    // keep serving
                }
            }
        }
    }
}
