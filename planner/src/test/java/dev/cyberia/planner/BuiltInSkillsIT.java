package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cyberia.inference.ChatBackend;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.MinerServer;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in skills that reach outside, run by an agent's routine: buying an answer from a real
 * miner serving the tiny model over x402 on anvil, and HTTP GET against a loopback server.
 */
class BuiltInSkillsIT {
    static Testbed bed;
    static Signer minerKey;
    static TreasuryDatabase minerDb;
    static LocalModel model;
    static MinerServer miner;
    static HttpServer web;

    @BeforeAll
    static void start() throws IOException {
        bed = new Testbed();
        minerKey = bed.devKey("miner", 8);
        minerDb = TestDatabases.fresh();
        model = LocalModel.open(Path.of("../models/tiny-chat"));
        miner = MinerServer.start(
                MinerServer.Config.local(
                        0,
                        Amount.parse("0.01", bed.cyb),
                        new TokenDomain(
                                "ComputeToken",
                                "1",
                                Devnet.CHAIN_ID,
                                bed.cyb.token().orElseThrow())),
                ChatBackend.local(model),
                Treasury.open(
                        minerDb, bed.chain, bed.cyb, minerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT),
                minerKey,
                Clock.systemUTC());
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/big", exchange -> {
            byte[] body = "x".repeat(100 * 1024).getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
    }

    private static Signer fund(Signer key) {
        bed.devnet.fund(key.address(), java.math.BigInteger.TEN.pow(18), java.math.BigInteger.valueOf(10_000_000));
        return key;
    }

    @AfterAll
    static void stop() {
        web.stop(0);
        miner.close();
        model.close();
        minerDb.close();
        minerKey.close();
        bed.close();
    }

    @Test
    void buyInference_paysTheMinerOverX402_andRecordsWhatItCost() throws IOException {
        String yaml = """
                purpose: Ask a miner.
                inference: {miner: "%s", maxPrice: "0.02"}
                routine:
                  - skill: buy_inference
                    args: {question: "What is 2+3?"}
                """.formatted(miner.baseUri());
        Amount minerBefore = bed.chain.balanceOf(bed.cyb, minerKey.address());
        try (Testbed.Agent agent = bed.new Agent(yaml, Planners.routine())) {
            var report = agent.tick();
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("\"result\":\"5\""));
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"InferenceBought\"") && j.contains("\"amount\":\"0.01\""));
            assertThat(report.spent()).isEqualTo(Amount.parse("0.01", bed.cyb));
            miner.claimChannels(); // paid over a channel: the miner's money arrives with its claim
            assertThat(bed.chain.balanceOf(bed.cyb, minerKey.address()))
                    .isEqualTo(minerBefore.plus(Amount.parse("0.01", bed.cyb)));
        }
    }

    @Test
    void buyInference_fromTheMarket_skipsAListedMinerThatIsDown_andPaysTheCheapestThatAnswers() throws IOException {
        Treasury minerWallet = Treasury.open(
                minerDb, bed.chain, bed.cyb, minerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (Signer ghost = bed.devKey("ghost", 5)) {
            Treasury ghostWallet = Treasury.open(
                    minerDb, bed.chain, bed.cyb, ghost.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
            Offer real = bed.market.publish(
                    new OfferDraft(Offer.Kind.INFERENCE, model.name(), miner.baseUri(), Amount.parse("0.01", bed.cyb)),
                    minerWallet,
                    minerKey);
            Offer down = bed.market.publish(
                    new OfferDraft(
                            Offer.Kind.INFERENCE,
                            model.name(),
                            java.net.URI.create("http://127.0.0.1:" + deadPort),
                            Amount.parse("0.005", bed.cyb)),
                    ghostWallet,
                    ghost);
            String yaml = """
                    purpose: Ask whichever miner the market has.
                    inference: {market: true, modelName: %s, maxPrice: "0.02"}
                    routine:
                      - skill: buy_inference
                        args: {question: "What is 2+3?"}
                    """.formatted(model.name());
            Amount minerBefore = bed.chain.balanceOf(bed.cyb, minerKey.address());
            try (Testbed.Agent agent = bed.new Agent(yaml, Planners.routine())) {
                var report = agent.tick();
                assertThat(agent.eventJson)
                        .as("%s", agent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("\"result\":\"5\""));
                assertThat(agent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"InferenceBought\"")
                                && j.contains("\"route\":\"" + miner.baseUri() + "\""));
                assertThat(report.spent()).isEqualTo(Amount.parse("0.01", bed.cyb));
                miner.claimChannels(); // paid over a channel: the miner's money arrives with its claim
                assertThat(bed.chain.balanceOf(bed.cyb, minerKey.address()))
                        .isEqualTo(minerBefore.plus(Amount.parse("0.01", bed.cyb)));
            } finally {
                bed.market.withdraw(down.id(), ghostWallet, ghost);
                bed.market.withdraw(real.id(), minerWallet, minerKey);
            }
        }
    }

    @Test
    void buyInference_aboveTheTickBudget_isRefusedBeforeAnythingIsSigned() throws IOException {
        String yaml = """
                purpose: Ask a miner.
                inference: {miner: "%s", maxPrice: "0.02"}
                budgets: {perTick: "0.005"}
                routine:
                  - skill: buy_inference
                    args: {question: "What is 2+3?"}
                """.formatted(miner.baseUri());
        Amount minerBefore = bed.chain.balanceOf(bed.cyb, minerKey.address());
        try (Testbed.Agent agent = bed.new Agent(yaml, Planners.routine())) {
            agent.tick();
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"PolicyDenied\"") && j.contains("over the tick budget"));
            assertThat(agent.eventTypes).doesNotContain("InferenceBought");
            assertThat(bed.chain.balanceOf(bed.cyb, minerKey.address())).isEqualTo(minerBefore);
        }
    }

    @Test
    void httpGet_readsAnAllowedHost_upTo64KiB_andRefusesOthers() throws IOException {
        int port = web.getAddress().getPort();
        String yaml = """
                purpose: Read a page.
                policy: {httpHosts: [127.0.0.1]}
                routine:
                  - skill: http_get
                    args: {url: "http://127.0.0.1:%d/big"}
                  - skill: http_get
                    args: {url: "http://localhost:%d/big"}
                """.formatted(port, port);
        try (Testbed.Agent agent = bed.new Agent(yaml, Planners.routine())) {
            agent.tick();
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"ToolResult\"")
                            && j.contains("\"outcome\":\"DONE\"")
                            && j.contains("[cut at 64 KiB]"));
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"ToolResult\"")
                            && j.contains("host 'localhost' is not in policy.httpHosts"));
        }
    }
}
