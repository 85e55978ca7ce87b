package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.ActionLog;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cyberia quickstart} end to end, in-process: the devnet, the miner with the tiny model, the
 * scribe and the customer on the demo ladder, for a while; then again, continuing.
 */
class QuickstartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path tmp;
    static Path home;
    static CliRun cli;
    static String[] ports;

    @BeforeAll
    static void setUp() throws IOException {
        tmp = Files.createTempDirectory("cyberia-quickstart-it");
        home = tmp.resolve("home");
        cli = new CliRun(tmp.resolve("user"));
        cli.variables.put("CYBERIA_HOME", home.toString());
        cli.variables.put("CYBERIA_PASSPHRASE", "quickstart-pass");
        ports = new String[] {
            "--port",
            free(),
            "--miner-port",
            free(),
            "--shop-port",
            free(),
            "--dashboard-port",
            free(),
            "--model",
            "../models/tiny-chat",
            "--light-kdf"
        };
    }

    @AfterAll
    static void tearDown() {
        cli.run("devnet", "down");
    }

    static String free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return Integer.toString(s.getLocalPort());
        }
    }

    static CliRun.Result quickstart(String duration) {
        List<String> args = new ArrayList<>(List.of("quickstart", "--for", duration));
        args.addAll(List.of(ports));
        return cli.run(args.toArray(String[]::new));
    }

    static List<JsonNode> actions(String agent) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(ActionLog.fileOf(home, agent))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** What a newcomer watching the quickstart's dashboard saw, before the quickstart ended. */
    record Watched(boolean climbed, boolean earnedAndPaid, boolean metrics, String counted, String registration) {}

    /** Looks at the dashboard every two seconds, over HTTP as the page does, while the quickstart runs. */
    static Watched watchTheDashboard(CompletableFuture<CliRun.Result> running) throws Exception {
        URI dashboard = URI.create("http://127.0.0.1:" + ports[7] + "/");
        HttpClient http = HttpClient.newHttpClient();
        boolean climbed = false;
        boolean earnedAndPaid = false;
        boolean metrics = false;
        String counted = "";
        String registration = "";
        URI shop = URI.create("http://127.0.0.1:" + ports[5] + "/agents/scribe/registration.json");
        while (!running.isDone() && !(climbed && earnedAndPaid && metrics && registration.contains("agentId"))) {
            Thread.sleep(2000);
            try {
                HttpResponse<String> page = http.send(
                        HttpRequest.newBuilder(dashboard.resolve("/api/agents/scribe"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (page.statusCode() != 200) {
                    continue;
                }
                HttpResponse<String> file =
                        http.send(HttpRequest.newBuilder(shop).build(), HttpResponse.BodyHandlers.ofString());
                if (file.statusCode() == 200) {
                    registration = file.body();
                }
                JsonNode scribe = JSON.readTree(page.body());
                for (JsonNode move : scribe.path("tiers")) {
                    climbed |= move.path("to").asText().equals("AGENT");
                }
                JsonNode hours = scribe.path("books").path("hour").path("CYB");
                if (!hours.isEmpty()) {
                    JsonNode now = hours.get(hours.size() - 1);
                    earnedAndPaid |= new BigDecimal(now.path("income").asText()).signum() > 0
                            && new BigDecimal(now.path("spent").asText()).signum() > 0;
                }
                String scraped = http.send(
                                HttpRequest.newBuilder(dashboard.resolve("/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                counted = scraped.lines()
                        .filter(l -> l.startsWith("cyberia_x402") || l.startsWith("cyberia_market"))
                        .collect(java.util.stream.Collectors.joining("\n"));
                metrics |= counted(scraped, "cyberia_x402_requests_total", "side=\"buyer\"", "outcome=\"served\"")
                        && (counted(scraped, "cyberia_x402_requests_total", "side=\"seller\"", "outcome=\"paid\"")
                                || counted(
                                        scraped,
                                        "cyberia_x402_requests_total",
                                        "side=\"seller\"",
                                        "outcome=\"vouched\""))
                        && counted(scraped, "cyberia_market_lookups_total", "outcome=\"found\"");
            } catch (IOException e) {
                // not up yet
            }
        }
        return new Watched(climbed, earnedAndPaid, metrics, counted, registration);
    }

    /** Whether a series with all these labels has counted something. */
    static boolean counted(String scraped, String metric, String... labels) {
        for (String line : scraped.split("\n")) {
            if (line.startsWith(metric + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                if (Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theScribeEarnsMoreThanItSpends_isPromoted_andASecondRunContinues() throws Exception {
        CompletableFuture<CliRun.Result> running = CompletableFuture.supplyAsync(() -> quickstart("100s"));
        Watched watched = watchTheDashboard(running);
        CliRun.Result first = running.get();
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("listed in the market as offer #0");
        assertThat(first.err()).contains("dashboard at http://127.0.0.1:" + ports[7] + "/");
        assertThat(watched.climbed())
                .as("the dashboard showed the scribe's climb to AGENT")
                .isTrue();
        assertThat(watched.earnedAndPaid())
                .as("the dashboard's books showed the scribe's income and spend this hour")
                .isTrue();
        assertThat(watched.metrics())
                .as("/metrics counted the x402 purchases on both sides and the market lookups:\n%s", watched.counted())
                .isTrue();

        List<JsonNode> scribe = actions("scribe");
        assertThat(scribe)
                .anyMatch(e -> e.path("type").asText().equals("OfferPublished")
                        && e.path("outcome").asText().startsWith("offer #"));
        assertThat(scribe)
                .anyMatch(e -> e.path("type").asText().equals("PaymentReceived")
                        && e.path("memo").asText().startsWith("sold summarize"));
        assertThat(scribe).anyMatch(e -> e.path("type").asText().equals("InferenceBought"));
        assertThat(scribe)
                .as("the demo ladder promotes the scribe once it has sold enough")
                .anyMatch(e -> e.path("type").asText().equals("TierChanged")
                        && e.path("to").asText().equals("AGENT"));
        List<JsonNode> customer = actions("customer");
        assertThat(customer).anyMatch(e -> e.path("type").asText().equals("ServiceBought"));
        assertThat(customer)
                .as("the customer's model chose which service to buy from the tools it was shown")
                .anyMatch(e -> e.path("type").asText().equals("Planned")
                        && e.path("decision")
                                .asText()
                                .startsWith("call [search_library {\"query\":\"payment signatures\"}"));
        assertThat(customer)
                .anyMatch(e -> e.path("type").asText().equals("ToolResult")
                        && e.path("result").asText().contains("search 'payment signatures' -> payments over http"));
        assertThat(customer)
                .as("each planning call is bought from the miner in the market")
                .anyMatch(e -> e.path("type").asText().equals("InferenceBought"));
        assertThat(Files.readString(home.resolve("agents/customer/agent.yaml")))
                .as("the customer checks a quarter of its answers against its own copy of the model")
                .contains("verify:");
        assertThat(customer)
                .as("the honest miner's answers pass every check")
                .noneMatch(e -> e.path("type").asText().equals("PurchaseDisputed"));

        assertThat(scribe)
                .as("the scribe is below OWNER: its node says it mines once promoted")
                .anyMatch(e -> e.path("type").asText().equals("MiningStopped")
                        && e.path("reason").asText().contains("it mines once promoted"));
        assertThat(customer)
                .as("the customer's owner gave it its allowance, once this period")
                .anyMatch(e -> e.path("type").asText().equals("PaymentReceived")
                        && e.path("memo").asText().startsWith("allowance from owner"));

        CliRun.Result status = cli.run("--json", "agent", "status", "scribe");
        assertThat(status.exitCode()).as(status.err()).isZero();
        JsonNode books = JSON.readTree(status.out()).path("books");
        assertThat(books.path("hosting").asText())
                .as("the scribe paid the node its keep, once per 5-minute period (the run may span two)")
                .isIn("0.01 CYB", "0.02 CYB");
        assertThat(first.err()).contains("charging each agent 0.01 per 5m");
        assertThat(books.path("sales").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(new BigDecimal(books.path("net").asText().replace(" CYB", "")))
                .as("income over inference and gas: %s", books)
                .isPositive();
        assertThat(JSON.readTree(status.out()).path("tier").asText()).isEqualTo("AGENT");
        JsonNode identity = JSON.readTree(status.out()).path("identity");
        assertThat(identity.path("agentRegistry").asText())
                .as("the node registered the scribe in the ERC-8004 identity registry")
                .startsWith("eip155:31337:0x");
        assertThat(identity.path("agentURI").asText()).endsWith("/agents/scribe/registration.json");
        assertThat(watched.registration())
                .as("the scribe's registration file, as its shop served it")
                .contains("\"agentId\":" + identity.path("agentId").asLong())
                .contains("eip-8004#registration-v1");
        assertThat(customer)
                .as("the customer rated the scribe after a purchase, with the x402 proof of payment")
                .anyMatch(e -> e.path("type").asText().equals("FeedbackGiven")
                        && e.path("outcome").asText().equals("rated")
                        && e.path("value").asInt() == 100);
        JsonNode reputation = JSON.readTree(status.out()).path("reputation");
        assertThat(reputation.path("ratings").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(reputation.path("average").asText()).isEqualTo("100");

        CliRun.Result market = cli.run("--json", "market", "list");
        assertThat(market.exitCode()).as(market.err()).isZero();
        List<String> names = new ArrayList<>();
        JSON.readTree(market.out())
                .path("offers")
                .forEach(o -> names.add(o.path("name").asText()));
        assertThat(names)
                .contains(
                        "tiny-chat",
                        "scribe/summarize",
                        "scribe/keywords",
                        "scribe/file_document",
                        "scribe/search",
                        "scribe/ask_library");

        for (String agent : List.of("scribe", "customer")) {
            CliRun.Result reconcile = cli.run("treasury", "reconcile", agent);
            assertThat(reconcile.exitCode())
                    .as(agent + ": " + reconcile.out() + reconcile.err())
                    .isZero();
        }

        // a second run: same keys, same agents, no second funding; the work goes on from the notes
        int customerTicks = JSON.readTree(
                        cli.run("--json", "agent", "status", "customer").out())
                .path("ticks")
                .asInt();
        long filedFirst = filed("payments over http");
        assertThat(filedFirst).isEqualTo(1);
        CliRun.Result second = quickstart("30s");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("made agent").doesNotContain("made key");
        assertThat(JSON.readTree(
                                cli.run("--json", "agent", "status", "customer").out())
                        .path("ticks")
                        .asInt())
                .isGreaterThan(customerTicks);
        assertThat(filed("payments over http"))
                .as("the agenda went on from the notes: the first document is not filed again")
                .isEqualTo(filedFirst);
        assertThat(actions("customer").stream()
                        .filter(e -> e.path("type").asText().equals("PaymentReceived")
                                && !e.path("memo").asText().startsWith("allowance from"))
                        .count())
                .as("funded once")
                .isEqualTo(1);
        long allowances = actions("customer").stream()
                .filter(e -> e.path("type").asText().equals("PaymentReceived")
                        && e.path("memo").asText().startsWith("allowance from owner"))
                .count();
        assertThat(allowances)
                .as("an allowance a period: the two runs span one 10-minute period, or two")
                .isBetween(1L, 2L);
    }

    /** How many times the customer had a document filed. */
    private static long filed(String title) throws IOException {
        return actions("customer").stream()
                .filter(e -> e.path("type").asText().equals("ToolResult")
                        && e.path("outcome").asText().equals("DONE")
                        && e.path("result").asText().contains("filed " + title + ";"))
                .count();
    }

    @Test
    void badInput_isRefusedWithExitTwo_beforeAnythingStarts() {
        CliRun.Result noModel = cli.run("quickstart", "--model", "/nonexistent", "--for", "1s");
        assertThat(noModel.exitCode()).isEqualTo(2);
        assertThat(noModel.err()).contains("no model at /nonexistent");
        CliRun.Result badDuration = cli.run("quickstart", "--for", "soon", "--model", "../models/tiny-chat");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("--for 'soon'");
    }

    @Test
    void aSecondQuickstartBesideARunningOne_isRefused() throws Exception {
        Thread first = Thread.ofPlatform().start(() -> quickstart("20s"));
        try {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            boolean nodeUp = false;
            while (!nodeUp && System.nanoTime() < deadline) {
                Thread.sleep(200);
                CliRun.Result nodes = cli.run("--json", "node", "status");
                nodeUp = nodes.exitCode() == 0
                        && JSON.readTree(nodes.out()).path("nodes").findValues("alive").stream()
                                .anyMatch(JsonNode::asBoolean);
            }
            assertThat(nodeUp).as("the first quickstart's node came up").isTrue();
            CliRun.Result second = quickstart("1s");
            assertThat(second.exitCode()).as(second.err()).isEqualTo(2);
            assertThat(second.err()).contains("a node is already running");
        } finally {
            first.join();
        }
    }
}
