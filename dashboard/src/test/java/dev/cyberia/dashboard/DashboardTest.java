package dev.cyberia.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.AgentEvent;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TreasuryDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard over HTTP, on a real database with real agents' events (the agents are not
 * loaded: no chain here; the browser test drives it against a node on the devnet).
 */
class DashboardTest {
    static final Asset CYB = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path home;

    final TreasuryDatabase db = TestDatabases.fresh();
    final AgentStore store = AgentStore.open(db.dataSource());
    final EventLog events = new EventLog(db.dataSource(), Clock.systemUTC());
    Dashboard dashboard;

    @BeforeEach
    void start() {
        store.create(
                "scribe",
                Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                "scribe",
                Path.of("scribe.yaml"),
                Tier.AGENT,
                Instant.now());
        AgentRuntime runtime = new AgentRuntime(
                store,
                events,
                (record, definition) -> {
                    throw new IllegalStateException("no chain in this test");
                },
                (agent, after, reason) -> {},
                Clock.systemUTC());
        dashboard = Dashboard.start(
                new Dashboard.Config(0, home),
                new Dashboard.Node(store, events, runtime, db, Optional.empty(), Clock.systemUTC()));
    }

    @AfterEach
    void stop() {
        dashboard.close();
        db.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(dashboard.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String origin) throws Exception {
        HttpRequest.Builder r =
                HttpRequest.newBuilder(dashboard.uri().resolve(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            r.header(Dashboard.TOKEN_HEADER, token);
        }
        if (origin != null) {
            r.header("Origin", origin);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAgentsList_showsEachAgentWithItsLastBalanceAndAction() throws Exception {
        events.append(
                "scribe",
                "scribe#1",
                new AgentEvent.TickStarted(false, SurvivalMode.NORMAL, Amount.parse("12.5", CYB), List.of()));
        events.append("scribe", "scribe#1", new AgentEvent.TickFinished("idle", 0, Amount.zero(CYB), 3));
        // its books as the treasury writes them: funded 12.5, sold for 0.5, paid 3 today
        book(1, "assets:wallet:CYB", "12500000", Instant.now().minusSeconds(3 * 86400));
        book(1, "equity:faucet", "-12500000", Instant.now().minusSeconds(3 * 86400));
        book(2, "assets:wallet:CYB", "500000", Instant.now());
        book(2, "income:services", "-500000", Instant.now());
        book(3, "expenses:inference", "3000000", Instant.now());
        book(3, "assets:wallet:CYB", "-3000000", Instant.now());
        JsonNode agents = JSON.readTree(get("/api/agents").body()).path("agents");
        assertThat(agents).hasSize(1);
        JsonNode scribe = agents.get(0);
        assertThat(scribe.path("name").asText()).isEqualTo("scribe");
        assertThat(scribe.path("tier").asText()).isEqualTo("AGENT");
        assertThat(scribe.path("balance").path("amount").asText()).isEqualTo("10");
        assertThat(scribe.path("netToday").asText()).isEqualTo("-2.5");
        assertThat(scribe.path("runwayDays").asText()).isEqualTo("3.33");
        assertThat(scribe.path("lastAction").asText()).isEqualTo("tick: idle");

        JsonNode one = JSON.readTree(get("/api/agents/scribe").body());
        assertThat(one.path("chainIntact").asBoolean()).isTrue();
        assertThat(one.path("balance")).hasSize(1);
        assertThat(one.path("balance").get(0).path("amount").asText()).isEqualTo("12.5");
        assertThat(get("/api/agents/nobody").statusCode()).isEqualTo(404);
        assertThat(get("/api/agents/%00").statusCode()).isEqualTo(404);
    }

    private void book(long posting, String account, String amount, Instant at) throws Exception {
        try (java.sql.Connection c = db.dataSource().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_entries (posting_id, wallet,"
                        + " account, asset, decimals, amount, created_at) VALUES (?,?,?,?,?,?,?)")) {
            ps.setLong(1, posting);
            ps.setString(2, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
            ps.setString(3, account);
            ps.setString(4, "CYB");
            ps.setInt(5, 6);
            ps.setBigDecimal(6, new java.math.BigDecimal(amount));
            ps.setTimestamp(7, java.sql.Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    @Test
    void theMarket_countsTheAnswersBoughtFromEachMiner() throws Exception {
        String miner = "http://127.0.0.1:9/v1/chat/completions";
        events.append(
                "scribe",
                "scribe#1",
                new AgentEvent.InferenceBought(miner, "tiny", Amount.parse("0.02", CYB), "0x1", 40));
        events.append(
                "scribe",
                "scribe#2",
                new AgentEvent.InferenceBought(miner, "tiny", Amount.parse("0.03", CYB), "0x2", 60));
        events.append("scribe", "scribe#2", new AgentEvent.TickFinished("idle", 0, Amount.zero(CYB), 3));

        JsonNode market = JSON.readTree(get("/api/market").body());
        assertThat(market.path("note").asText()).contains("no market registry");
        assertThat(market.path("miners")).hasSize(1);
        JsonNode m = market.path("miners").get(0);
        assertThat(m.path("endpoint").asText()).isEqualTo(miner);
        assertThat(m.path("model").asText()).isEqualTo("tiny");
        assertThat(m.path("answers").asInt()).isEqualTo(2);
        assertThat(m.path("tokens").asInt()).isEqualTo(100);
        assertThat(m.path("paid").asText()).isEqualTo("0.05");
    }

    @Test
    void metrics_scrapeInPrometheusFormat_withTicksMoneyJournalAndJvm() throws Exception {
        events.append("scribe", "scribe#1", new AgentEvent.TickFinished("idle", 0, Amount.zero(CYB), 3));
        events.append(
                "scribe",
                "scribe#2",
                new AgentEvent.PaymentReceived(Amount.parse("0.25", CYB), "0xabc", "0xhash", "sold scribe"));
        HttpResponse<String> scraped = get("/metrics");
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type"))
                .get()
                .asString()
                .startsWith("text/plain");
        assertThat(scraped.body())
                .contains("cyberia_ticks_seconds_count{kind=\"quiet\"} 1")
                .contains("cyberia_earned_units_total{asset=\"CYB\"} 0.25")
                .contains("jvm_memory_used_bytes")
                .doesNotContain("scribe"); // no agent names as labels
        for (String line : scraped.body().split("\n")) { // every line a comment or "name{labels} value"
            assertThat(line).matches("^(#.*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? [-+0-9.eEInfNa]+)$");
        }
    }

    @Test
    void theSampleGrafanaDashboard_asksOnlyForMetricsTheNodeServes() throws Exception {
        // one event of each kind the metrics count, so that every series exists
        events.append("scribe", "scribe#1", new AgentEvent.TickFinished("idle", 0, Amount.zero(CYB), 3));
        events.append(
                "scribe",
                "scribe#2",
                new AgentEvent.PaymentSent(
                        Amount.parse("1", CYB), "0xabc", "0xhash", "expenses:services", "CONFIRMED"));
        events.append(
                "scribe", "scribe#2", new AgentEvent.PaymentReceived(Amount.parse("1", CYB), "0xabc", "0xh2", "sold"));
        events.append(
                "scribe",
                "scribe#2",
                new AgentEvent.ServiceBought("http://x", "0xabc", Amount.parse("1", CYB), "0xh3"));
        events.append(
                "scribe",
                "scribe#2",
                new AgentEvent.PurchaseDisputed("0xabc", "http://x", Amount.parse("1", CYB), "0xh3", "bad"));
        events.append("scribe", "scribe#2", new AgentEvent.PolicyDenied("pay", "over the cap"));
        // what the treasury counts (QuickstartIT sees it counted for real)
        dev.cyberia.treasury.TreasuryCountersAccess.countOneOfEach();
        String scraped = get("/metrics").body();
        String grafana = Files.readString(Path.of("..", "docs", "grafana-dashboard.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((cyberia|jvm|process)_[a-z0-9_]+)")
                .matcher(grafana);
        java.util.Set<String> asked = new java.util.TreeSet<>();
        while (m.find()) {
            asked.add(m.group(1));
        }
        assertThat(asked).contains("cyberia_ticks_seconds_count", "cyberia_journal_payments");
        for (String metric : asked) {
            assertThat(scraped)
                    .as("the Grafana dashboard asks for %s", metric)
                    .containsPattern("(?m)^" + metric + "[{ ]");
        }
    }

    @Test
    void approving_needsTheToken_fromThisOrigin_andTheTokenIsKept0600() throws Exception {
        Path kept = home.resolve("dashboard.token");
        assertThat(Files.readString(kept).trim()).isEqualTo(dashboard.token());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
                .isEqualTo("rw-------");

        assertThat(post("/api/approvals/1/approve", null, null).statusCode()).isEqualTo(401);
        assertThat(post("/api/approvals/1/approve", "0".repeat(48), null).statusCode())
                .isEqualTo(401);
        assertThat(post("/api/approvals/1/approve", dashboard.token(), "http://evil.example")
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> none = post("/api/approvals/1/approve", dashboard.token(), null);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("not waiting for approval");
        assertThat(JSON.readTree(get("/api/approvals").body()).path("waiting")).isEmpty();

        store.setState("scribe", dev.cyberia.agentcore.AgentState.RUNNING);
        assertThat(post("/api/agents/scribe/stop", null, null).statusCode()).isEqualTo(401);
        assertThat(store.get("scribe").state()).isEqualTo(dev.cyberia.agentcore.AgentState.RUNNING);
        assertThat(post("/api/agents/scribe/stop", dashboard.token(), null).statusCode())
                .isEqualTo(200);
        assertThat(store.get("scribe").state()).isEqualTo(dev.cyberia.agentcore.AgentState.STOPPED);
        assertThat(events.last("scribe", 1).get(0)).contains("StateChanged").contains("dashboard");
        assertThat(post("/api/agents/scribe/stop", dashboard.token(), null).statusCode())
                .isEqualTo(409);
        assertThat(get("/api/approvals").body()).doesNotContain(dashboard.token());
    }

    @Test
    void theActionStream_sendsTheRecentEvents_thenEachNewOneAsItHappens() throws Exception {
        events.append("scribe", "scribe#1", new AgentEvent.TickFinished("first", 0, Amount.zero(CYB), 1));
        HttpResponse<java.io.InputStream> stream = HTTP.send(
                HttpRequest.newBuilder(dashboard.uri().resolve("/api/agents/scribe/events"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.startsWith("data: ") && line.contains("\"second\"")) {
                            return line;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(200); // the stream has sent the recent events and waits for new ones
            events.append("scribe", "scribe#2", new AgentEvent.TickFinished("second", 0, Amount.zero(CYB), 1));
            assertThat(second.get(30, TimeUnit.SECONDS)).contains("\"tick\":\"scribe#2\"");
        }
    }

    @Test
    void pages_comeFromTheJar_withTheChartLibrary_andForbidOtherOrigins() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<table id=\"agents\">");
        assertThat(index.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("default-src 'self'");
        assertThat(get("/vendor/uPlot.iife.min.js").body()).contains("uPlot");
        assertThat(get("/agent").body()).contains("balance-chart");
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    }
}
