package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The devnet and treasury commands as a person runs them, on a real anvil the CLI starts itself. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TreasuryCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path tmp;
    private static CliRun cli;
    private static String customer;
    private static String scribe;

    @BeforeAll
    static void devnetUp() throws IOException {
        tmp = Files.createTempDirectory("cyberia-cli-it");
        cli = new CliRun(tmp.resolve("user"));
        cli.variables.put("CYBERIA_HOME", tmp.resolve("home").toString());
        cli.variables.put("CYBERIA_PASSPHRASE", "pass-1");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun.Result up = cli.run("--json", "devnet", "up", "--port", Integer.toString(port));
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(cli.run("--json", "devnet", "up").exitCode())
                .as("second up is a no-op")
                .isZero();
        customer = address(cli.run(
                "--json",
                "keys",
                "new",
                "customer",
                "--mnemonic-out",
                tmp.resolve("c.words").toString(),
                "--light-kdf"));
        scribe = address(cli.run(
                "--json",
                "keys",
                "new",
                "scribe",
                "--mnemonic-out",
                tmp.resolve("s.words").toString(),
                "--light-kdf"));
    }

    @AfterAll
    static void devnetDown() {
        cli.run("devnet", "down");
    }

    private static String address(CliRun.Result r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        try {
            return JSON.readTree(r.out()).get("address").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The customer buys one answer to "ping" from the miner, paying at most 0.05 USDC. */
    private static JsonNode customerAsksPingInUsdc(MinerProcess miner) throws IOException {
        return json(cli.run(
                "--json",
                "infer",
                "ping",
                "--miner",
                miner.baseUrl(),
                "--key",
                "customer",
                "--max-price",
                "0.05",
                "--token",
                "USDC"));
    }

    private static JsonNode json(CliRun.Result r) throws IOException {
        return JSON.readTree(r.out());
    }

    private static void assertBadInput(CliRun.Result r, String fragment) {
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err() + r.out()).contains(fragment);
    }

    @Test
    @Order(1)
    void fundSendLedgerReconcile_endToEnd() throws IOException {
        assertThat(cli.run("devnet", "fund", "customer", "--eth", "1", "--tokens", "100")
                        .exitCode())
                .isZero();
        JsonNode status = json(cli.run("--json", "devnet", "status"));
        assertThat(status.get("running").asBoolean()).isTrue();
        assertThat(status.get("funded").get(0).get("cyb").asText()).isEqualTo("100");

        JsonNode sent = json(cli.run(
                "--json",
                "treasury",
                "send",
                "customer",
                "scribe",
                "1.25",
                "--idempotency-key",
                "order-1",
                "--purpose",
                "expenses:inference"));
        assertThat(sent.get("state").asText()).isEqualTo("CONFIRMED");
        JsonNode again = json(cli.run(
                "--json",
                "treasury",
                "send",
                "customer",
                "scribe",
                "1.25",
                "--idempotency-key",
                "order-1",
                "--purpose",
                "expenses:inference"));
        assertThat(again.get("id")).isEqualTo(sent.get("id"));
        assertThat(again.get("transactionHash")).isEqualTo(sent.get("transactionHash"));

        JsonNode balance = json(cli.run("--json", "treasury", "balance", "scribe"));
        assertThat(balance.get("balances").get(1).get("chain").asText()).isEqualTo("1.25");

        JsonNode ledger = json(cli.run("--json", "treasury", "ledger", "customer"));
        assertThat(ledger.get("entries")).anySatisfy(e -> {
            assertThat(e.get("account").asText()).isEqualTo("expenses:inference");
            assertThat(e.get("amount").asText()).isEqualTo("1.25");
        });
        JsonNode reconcile = json(cli.run("--json", "treasury", "reconcile", "customer"));
        assertThat(reconcile.get("inAgreement").asBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void badInput_isExitCode2_withTheReason() {
        String badChecksum = "0x" + scribe.substring(2, 41)
                + (Character.isUpperCase(scribe.charAt(41))
                        ? Character.toLowerCase(scribe.charAt(41))
                        : Character.toUpperCase(scribe.charAt(41)));
        if (!badChecksum.equals(scribe)) {
            assertBadInput(cli.run("treasury", "send", "customer", badChecksum, "1"), "wrong EIP-55 checksum");
        }
        assertBadInput(cli.run("treasury", "send", "customer", "scribe", "0.0000001"), "CYB has 6 decimals");
        assertBadInput(cli.run("treasury", "send", "customer", "scribe", "0"), "more than zero");
        assertBadInput(cli.run("treasury", "send", "customer", "scribe", "--", "-3"), "cannot be negative");
        assertBadInput(cli.run("treasury", "send", "customer", "scribe", "5000"), "insufficient funds");
        assertBadInput(
                cli.run("treasury", "send", "customer", "scribe", "1", "--asset", "DOGE"), "unknown asset 'DOGE'");
        CliRun.Result unreachable = cli.run(
                "treasury",
                "balance",
                "customer",
                "--rpc",
                "http://127.0.0.1:1",
                "--chain-id",
                "31337",
                "--token",
                "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        assertThat(unreachable.exitCode())
                .as("an unreachable node is a failure at run time")
                .isEqualTo(1);
        assertThat(unreachable.err()).contains("unreachable after 5 attempts");
        CliRun.Result otherChain = cli.run("treasury", "balance", "customer", "--chain-id", "1");
        assertBadInput(otherChain, "serves chain id 31337, not the configured 1");
    }

    @Test
    @Order(3)
    void policyDenies_andApprovalsHoldThenRelease() throws IOException {
        assertThat(cli.run("treasury", "policy", "customer", "set", "--per-tx", "10", "--approval-above", "5")
                        .exitCode())
                .isZero();
        JsonNode shown = json(cli.run("--json", "treasury", "policy", "customer"));
        assertThat(shown.get("limits").get("CYB").get("perTransaction").asText())
                .isEqualTo("10000000");

        CliRun.Result denied = cli.run("treasury", "send", "customer", "scribe", "11");
        assertThat(denied.exitCode()).isEqualTo(2);
        assertThat(denied.out()).contains("denied: 11 CYB is above the per-transaction cap of 10 CYB");

        JsonNode held = json(cli.run("--json", "treasury", "send", "customer", "scribe", "6"));
        assertThat(held.get("state").asText()).isEqualTo("AWAITING_APPROVAL");
        JsonNode waiting = json(cli.run("--json", "treasury", "approvals", "list"));
        assertThat(waiting.get("waiting"))
                .singleElement()
                .satisfies(p -> assertThat(p.get("id")).isEqualTo(held.get("id")));
        JsonNode approved = json(cli.run(
                "--json", "treasury", "approvals", "approve", held.get("id").asText()));
        assertThat(approved.get("state").asText()).isEqualTo("CONFIRMED");

        JsonNode held2 = json(cli.run("--json", "treasury", "send", "customer", "scribe", "7"));
        JsonNode deniedByPerson = json(cli.run(
                "--json", "treasury", "approvals", "deny", held2.get("id").asText()));
        assertThat(deniedByPerson.get("state").asText()).isEqualTo("DENIED");
        assertBadInput(
                cli.run("treasury", "approvals", "approve", held2.get("id").asText()), "not waiting for approval");
    }

    @Test
    @Order(4)
    void usdc_deployedFundedAndPaidWith_aMinerSellsInIt() throws Exception {
        JsonNode up = json(cli.run("--json", "devnet", "up", "--usdc"));
        String usdc = up.get("usdc").asText();
        assertThat(usdc).startsWith("0x");
        assertThat(json(cli.run("--json", "devnet", "up", "--usdc")).get("usdc").asText())
                .as("deployed once")
                .isEqualTo(usdc);
        assertThat(cli.run("devnet", "fund", "customer", "--eth", "0", "--tokens", "0", "--usdc", "5")
                        .exitCode())
                .isZero();
        assertThat(cli.run("devnet", "fund", "scribe", "--eth", "1", "--tokens", "0")
                        .exitCode())
                .isZero();
        JsonNode balance = json(cli.run("--json", "treasury", "balance", "customer", "--token", "USDC"));
        assertThat(balance.get("balances").get(1).get("asset").asText()).isEqualTo("USDC");
        assertThat(balance.get("balances").get(1).get("chain").asText()).isEqualTo("5");

        try (MinerProcess miner =
                MinerProcess.start(cli.variables, "--key", "scribe", "--price", "0.01", "--token", "USDC")) {
            assertThat(miner.banner).as("the miner starts in USDC").contains("0.01 USDC per request");
            JsonNode paid = customerAsksPingInUsdc(miner);
            assertThat(paid.get("answer").asText()).isEqualTo("pong");
            assertThat(paid.get("pricePaid").asText()).isEqualTo("0.01");
            assertThat(paid.get("asset").asText()).isEqualTo("USDC");
        }
        // paid over a channel: one deposit of 20 requests' worth left the wallet, one request was charged
        JsonNode after = json(cli.run("--json", "treasury", "balance", "customer", "--token", "USDC"));
        assertThat(after.get("balances").get(1).get("chain").asText()).isEqualTo("4.8");
        assertThat(after.get("balances").get(1).get("inChannels").asText()).isEqualTo("0.19");
        JsonNode channels = json(cli.run("--json", "treasury", "channels", "customer", "--token", "USDC"));
        assertThat(channels.get("channels")).singleElement().satisfies(c -> {
            assertThat(c.get("deposited").asText()).isEqualTo("0.2");
            assertThat(c.get("charged").asText()).isEqualTo("0.01");
            assertThat(c.get("claimedBySeller").asText())
                    .as("the miner claims when it stops")
                    .isEqualTo("0.01");
            assertThat(c.get("available").asText()).isEqualTo("0.19");
        });
        assertBadInput(
                cli.run("treasury", "channels", "customer", "--token", "USDC", "--leave", "nope"),
                "--leave takes a channel id");
        assertThat(json(cli.run("--json", "treasury", "reconcile", "customer", "--token", "USDC"))
                        .get("inAgreement")
                        .asBoolean())
                .isTrue();

        assertBadInput(cli.run("treasury", "balance", "customer", "--network", "base-sepolia"), "needs --rpc URL");
        assertBadInput(
                cli.run(
                        "treasury",
                        "balance",
                        "customer",
                        "--network",
                        "base-sepolia",
                        "--rpc",
                        up.get("rpcUrl").asText()),
                "serves chain id 31337, not the configured 84532");
        assertBadInput(cli.run("treasury", "balance", "customer", "--network", "mars"), "unknown network 'mars'");
        assertBadInput(cli.run("treasury", "balance", "customer", "--token", "DOGE"), "--token is a 0x address");
    }

    @Test
    @Order(5)
    void aMinerWithoutEth_sellsInUsdcThroughTheOfficialFacilitator() throws Exception {
        String broke = address(cli.run(
                "--json",
                "keys",
                "new",
                "broke-miner",
                "--mnemonic-out",
                tmp.resolve("b.words").toString(),
                "--light-kdf"));
        JsonNode devnet = json(cli.run("--json", "devnet", "up", "--usdc"));
        try (dev.cyberia.treasury.NodeFixture facilitator = dev.cyberia.treasury.NodeFixture.start(
                "x402",
                "facilitator.mjs",
                "--rpc",
                devnet.get("rpcUrl").asText(),
                // anvil's dev account #3: the facilitator pays the gas
                "--key",
                "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
                "--port",
                "0")) {
            CliRun.Result unreachable = cli.run(
                    "miner",
                    "serve",
                    "--key",
                    "broke-miner",
                    "--model",
                    "../models/tiny-chat",
                    "--price",
                    "0.01",
                    "--facilitator",
                    "http://127.0.0.1:1/");
            assertThat(unreachable.exitCode())
                    .as("an unreachable facilitator is a failure at run time, like an unreachable node")
                    .isEqualTo(1);
            assertThat(unreachable.err()).contains("the facilitator http://127.0.0.1:1/ does not answer");
            assertBadInput(
                    cli.run(
                            "miner",
                            "serve",
                            "--key",
                            "broke-miner",
                            "--model",
                            "../models/tiny-chat",
                            "--price",
                            "0.01",
                            "--facilitator",
                            "ftp://127.0.0.1/"),
                    "a facilitator is an http(s) URL");
            try (MinerProcess miner = MinerProcess.start(
                    cli.variables,
                    "--key",
                    "broke-miner",
                    "--price",
                    "0.01",
                    "--token",
                    "USDC",
                    "--facilitator",
                    facilitator.url().toString(),
                    "--no-publish")) {
                assertThat(miner.banner).as("the miner starts").contains("settled by facilitator " + facilitator.url());
                JsonNode paid = customerAsksPingInUsdc(miner);
                assertThat(paid.get("answer").asText()).isEqualTo("pong");
                assertThat(paid.get("transaction").asText()).startsWith("0x");
            }
        }
        JsonNode books = json(cli.run("--json", "treasury", "balance", "broke-miner", "--token", "USDC"));
        assertThat(books.get("balances").get(0).get("chain").asText())
                .as("the miner never held ETH")
                .isEqualTo("0");
        assertThat(books.get("balances").get(1).get("chain").asText()).isEqualTo("0.01");
        assertThat(json(cli.run("--json", "treasury", "reconcile", "broke-miner", "--token", "USDC"))
                        .get("inAgreement")
                        .asBoolean())
                .isTrue();
        assertThat(broke).startsWith("0x");
    }
}
