package dev.cyberia.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.ActionLog;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agents as a person runs them: created and launched with the CLI, hosted by a node in its own JVM
 * (so it can be killed with SIGKILL mid-tick), on a real anvil, one agent with the tiny real model.
 */
class AgentNodeIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FRIEND = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    static Path tmp;
    static Path home;
    static CliRun cli;

    @BeforeAll
    static void devnetUp() throws IOException {
        tmp = Files.createTempDirectory("cyberia-agent-it");
        home = tmp.resolve("home");
        cli = new CliRun(tmp.resolve("user"));
        cli.variables.put("CYBERIA_HOME", home.toString());
        cli.variables.put("CYBERIA_PASSPHRASE", "agent-pass");
        if (dev.cyberia.treasury.TestDatabases.postgresql()) { // the nodes and the CLI on one PostgreSQL database
            cli.variables.put("CYBERIA_DB", dev.cyberia.treasury.TestDatabases.freshUrl());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun.Result up = cli.run("devnet", "up", "--port", Integer.toString(port));
        assertThat(up.exitCode()).as(up.err()).isZero();
    }

    @AfterAll
    static void devnetDown_andNoSecretIsLeftInTheHomeOrTheNodesLogs() throws IOException {
        cli.run("devnet", "down");
        // every file the nodes and agents wrote (actions.jsonl, the database, key files, node logs)
        byte[] secret = "agent-pass".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<String> forms = List.of(
                "agent-pass",
                java.util.HexFormat.of().formatHex(secret),
                java.util.Base64.getEncoder().encodeToString(secret));
        List<Path> files;
        try (var walk = Files.walk(tmp)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anyMatch(f -> f.getFileName().toString().equals("actions.jsonl"));
        assertThat(files).anyMatch(f -> f.getFileName().toString().startsWith("node-"));
        for (Path f : files) {
            String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String form : forms) {
                assertThat(text).as("%s holds the passphrase", f).doesNotContain(form);
            }
        }
    }

    static String newAgent(String name, String yaml) throws IOException {
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        CliRun.Result made = cli.run("--json", "agent", "new", name, "--from", file.toString(), "--light-kdf");
        assertThat(made.exitCode()).as(made.err() + made.out()).isZero();
        String address = JSON.readTree(made.out()).path("address").asText();
        assertThat(cli.run("devnet", "fund", address).exitCode()).isZero();
        return address;
    }

    static Process startNode(String... options) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.cyberia.cli.Main",
                "node",
                "start"));
        command.addAll(List.of(options));
        if (!command.contains("--dashboard-port")) {
            command.addAll(List.of("--dashboard-port", "0")); // several nodes at once: any free port each
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        tmp.resolve("node-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("CYBERIA_HOME", home.toString());
        pb.environment().put("CYBERIA_PASSPHRASE", "agent-pass");
        if (cli.variables.containsKey("CYBERIA_DB")) {
            pb.environment().put("CYBERIA_DB", cli.variables.get("CYBERIA_DB"));
        }
        return pb.start();
    }

    static List<JsonNode> actions(String agent) throws IOException {
        Path file = ActionLog.fileOf(home, agent);
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    static void awaitAction(String agent, Predicate<JsonNode> what, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (actions(agent).stream().anyMatch(what)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such action of " + agent + " within " + timeout + "; log: " + actions(agent));
    }

    static Predicate<JsonNode> is(String type, String tick) {
        return a ->
                a.path("type").asText().equals(type) && a.path("tick").asText().equals(tick);
    }

    @Test
    void nodeKilledMidTick_resumesTheAgent_withoutPayingTwice() throws Exception {
        newAgent("payer", """
                purpose: Pay my friend every tick, then rest.
                heartbeat: 2s
                skills: [dev.cyberia.cli.skills.TestSkills]
                policy:
                  payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
                routine:
                  - skill: pay
                    args: {to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", amount: "0.1", purpose: services}
                  - skill: nap
                    args: {millis: 4000}
                """);
        assertThat(cli.run("agent", "launch", "payer", "--detach").exitCode()).isZero();
        Process node = startNode();
        try {
            awaitAction(
                    "payer",
                    is("ToolCalled", "payer#1").and(a -> a.path("tool").asText().equals("nap")),
                    Duration.ofSeconds(60));
            CliRun.Result nodes = cli.run("--json", "node", "status");
            assertThat(nodes.exitCode()).as(nodes.err()).isZero();
            assertThat(JSON.readTree(nodes.out()).path("nodes").findValues("agentNames").stream()
                            .flatMap(names -> java.util.stream.StreamSupport.stream(names.spliterator(), false))
                            .map(JsonNode::asText))
                    .as("the node lists the agent it runs")
                    .contains("payer");
            node.destroyForcibly().waitFor(); // SIGKILL mid-tick: paid, not finished
            assertThat(actions("payer")).noneMatch(is("TickFinished", "payer#1"));
            assertThat(actions("payer").stream().filter(is("PaymentSent", "payer#1")))
                    .hasSize(1);

            CliRun.Result again = cli.run("agent", "launch", "payer");
            assertThat(again.exitCode())
                    .as("the killed node's hold lapses; the agent is still RUNNING")
                    .isEqualTo(2);

            node = startNode();
            awaitAction("payer", is("TickFinished", "payer#1"), Duration.ofSeconds(60));
            awaitAction("payer", is("TickFinished", "payer#2"), Duration.ofSeconds(60));
        } finally {
            node.destroy();
            node.waitFor();
        }
        List<JsonNode> log = actions("payer");
        assertThat(log.stream()
                        .filter(is("TickStarted", "payer#1"))
                        .map(a -> a.path("resumed").asBoolean()))
                .containsExactly(false, true);
        assertThat(log)
                .anyMatch(a -> is("ToolResult", "payer#1").test(a)
                        && a.path("outcome").asText().equals("REPLAYED"));
        assertThat(log.stream().filter(is("PaymentSent", "payer#1"))).hasSize(1);
        long payments = log.stream()
                .filter(a -> a.path("type").asText().equals("PaymentSent"))
                .count();
        long distinctTicks = log.stream()
                .filter(a -> a.path("type").asText().equals("PaymentSent"))
                .map(a -> a.path("tick").asText())
                .distinct()
                .count();
        assertThat(payments).isEqualTo(distinctTicks);

        CliRun.Result status = cli.run("--json", "agent", "status", "payer");
        assertThat(status.exitCode()).as(status.err()).isZero();
        JsonNode s = JSON.readTree(status.out());
        assertThat(s.path("chainIntact").asBoolean()).isTrue();
        assertThat(new BigDecimal(s.path("spentToday").asText().split(" ")[0]))
                .isEqualByComparingTo(new BigDecimal("0.1").multiply(BigDecimal.valueOf(payments)));
        CliRun.Result reconcile = cli.run("--json", "treasury", "reconcile", "payer");
        assertThat(reconcile.exitCode()).as(reconcile.out() + reconcile.err()).isZero();
    }

    @Test
    void nodeKilledMidHire_afterTheSellerSettled_booksThePurchaseOnce_andTheResumedStepDoesNotPayAgain()
            throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String sleeper = newAgent("sleeper", """
                purpose: Sell naps.
                heartbeat: 1h
                skills: [dev.cyberia.cli.skills.TestSkills]
                sells:
                  - {skill: nap, price: "0.05"}
                """);
        String url = "http://127.0.0.1:" + port + "/agents/sleeper/skills/nap";
        newAgent("napper", """
                purpose: Buy one long nap per tick.
                heartbeat: 1h
                policy:
                  httpHosts: [127.0.0.1]
                  payees: ["%s"]
                routine:
                  - skill: hire
                    args: {skill: "%s", arguments: "{\\"millis\\": 8000}", maxPrice: "0.1"}
                """.formatted(sleeper, url));
        assertThat(cli.run("agent", "launch", "sleeper", "--detach").exitCode()).isZero();
        assertThat(cli.run("agent", "launch", "napper", "--detach").exitCode()).isZero();
        // settled per request ('exact'): the seller has the money before the nap begins
        assertThat(cli.run("treasury", "policy", "napper", "set", "--channel-deposit", "0")
                        .exitCode())
                .isZero();
        BigDecimal sellerBefore = cybOf("sleeper");
        Process node = startNode("--shop-port", Integer.toString(port));
        try {
            awaitAction(
                    "sleeper",
                    a -> a.path("type").asText().equals("PaymentReceived")
                            && a.path("tick").asText().contains("sale"),
                    Duration.ofSeconds(60));
            node.destroyForcibly().waitFor(); // SIGKILL: the seller settled, the nap (and the answer) never finish
            assertThat(actions("napper")).noneMatch(is("TickFinished", "napper#1"));

            node = startNode("--shop-port", Integer.toString(port));
            awaitAction("napper", is("TickFinished", "napper#1"), Duration.ofSeconds(90));
        } finally {
            node.destroy();
            node.waitFor();
        }
        assertThat(cybOf("sleeper"))
                .as("paid exactly once")
                .isEqualByComparingTo(sellerBefore.add(new BigDecimal("0.05")));
        List<JsonNode> log = actions("napper");
        assertThat(log.stream()
                        .filter(is("TickStarted", "napper#1"))
                        .map(a -> a.path("resumed").asBoolean()))
                .containsExactly(false, true);
        assertThat(log).anyMatch(a -> a.path("type").asText().equals("PurchaseDisputed"));
        CliRun.Result ledger = cli.run("--json", "treasury", "ledger", "napper");
        assertThat(ledger.exitCode()).as(ledger.err()).isZero();
        List<JsonNode> services = new ArrayList<>();
        JSON.readTree(ledger.out()).path("entries").forEach(e -> {
            if (e.path("account").asText().equals("expenses:services")) {
                services.add(e);
            }
        });
        assertThat(services).as("booked once: %s", ledger.out()).hasSize(1);
        CliRun.Result reconcile = cli.run("--json", "treasury", "reconcile", "napper");
        assertThat(reconcile.exitCode()).as(reconcile.out() + reconcile.err()).isZero();
        assertThat(JSON.readTree(reconcile.out()).path("inAgreement").asBoolean())
                .as("the books equal the chain: %s", reconcile.out())
                .isTrue();
    }

    @Test
    void nodeKilledMidHireOverAChannel_theResumedStepSendsTheSameVoucher_andIsChargedOnce() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String dozer = newAgent("dozer", """
                purpose: Sell naps.
                heartbeat: 1h
                skills: [dev.cyberia.cli.skills.TestSkills]
                sells:
                  - {skill: nap, price: "0.05"}
                """);
        String url = "http://127.0.0.1:" + port + "/agents/dozer/skills/nap";
        newAgent("channeler", """
                purpose: Buy one long nap per tick, over a channel.
                heartbeat: 1h
                policy:
                  httpHosts: [127.0.0.1]
                  payees: ["%s"]
                routine:
                  - skill: hire
                    args: {skill: "%s", arguments: "{\\"millis\\": 6000}", maxPrice: "0.1"}
                """.formatted(dozer, url));
        assertThat(cli.run("agent", "launch", "dozer", "--detach").exitCode()).isZero();
        assertThat(cli.run("agent", "launch", "channeler", "--detach").exitCode())
                .isZero();
        BigDecimal sellerBefore = cybOf("dozer");
        Process node = startNode("--shop-port", Integer.toString(port));
        try {
            awaitAction("dozer", a -> a.path("tool").asText().equals("nap"), Duration.ofSeconds(60));
            node.destroyForcibly().waitFor(); // SIGKILL mid-nap: the voucher is journaled on both sides, uncharged
            assertThat(actions("channeler")).noneMatch(is("TickFinished", "channeler#1"));

            node = startNode("--shop-port", Integer.toString(port));
            awaitAction("channeler", is("TickFinished", "channeler#1"), Duration.ofSeconds(90));
        } finally {
            node.destroy(); // the shop claims what its channels owe as it stops
            node.waitFor();
        }
        assertThat(actions("channeler")).anyMatch(a -> a.path("type").asText().equals("ServiceBought"));
        assertThat(cybOf("dozer"))
                .as("charged exactly once, paid by the shop's claim")
                .isEqualByComparingTo(sellerBefore.add(new BigDecimal("0.05")));
        CliRun.Result ledger = cli.run("--json", "treasury", "ledger", "channeler");
        List<JsonNode> services = new ArrayList<>();
        JSON.readTree(ledger.out()).path("entries").forEach(e -> {
            if (e.path("account").asText().equals("expenses:services")) {
                services.add(e);
            }
        });
        assertThat(services)
                .as("booked once: %s", ledger.out())
                .singleElement()
                .satisfies(e -> assertThat(e.path("amount").asText()).isEqualTo("0.05"));
        CliRun.Result channels = cli.run("--json", "treasury", "channels", "channeler");
        assertThat(JSON.readTree(channels.out())
                        .path("channels")
                        .path(0)
                        .path("charged")
                        .asText())
                .isEqualTo("0.05");
    }

    static BigDecimal cybOf(String agent) throws IOException {
        CliRun.Result balance = cli.run("--json", "treasury", "balance", agent);
        assertThat(balance.exitCode()).as(balance.err()).isZero();
        JsonNode n = JSON.readTree(balance.out());
        for (JsonNode b : n.path("balances")) {
            if (b.path("asset").asText().equals("CYB")) {
                return new BigDecimal(b.path("chain").asText());
            }
        }
        throw new AssertionError("no CYB balance in " + balance.out());
    }

    @Test
    void tinyModelPlans_throughTheNode_overSeveralTicks_andAStopAndRestart() throws Exception {
        Path model = Path.of("../models/tiny-chat").toAbsolutePath().normalize();
        newAgent("weatherman", """
                purpose: Report the weather.
                goals: ["Weather in Paris?"]
                heartbeat: 2s
                skills: [dev.cyberia.cli.skills.TestSkills]
                inference: {model: "%s", maxSteps: 1, prompt: task, tools: [weather]}
                """.formatted(model));
        assertThat(cli.run("agent", "launch", "weatherman", "--detach").exitCode())
                .isZero();
        Process node = startNode();
        try {
            awaitAction("weatherman", is("TickFinished", "weatherman#2"), Duration.ofSeconds(90));
            CliRun.Result stop = cli.run("node", "stop");
            assertThat(stop.exitCode()).as(stop.out() + stop.err()).isZero();
            assertThat(node.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long ticks = actions("weatherman").stream()
                    .filter(a -> a.path("type").asText().equals("TickFinished"))
                    .count();

            node = startNode();
            awaitAction("weatherman", is("TickFinished", "weatherman#" + (ticks + 1)), Duration.ofSeconds(90));
        } finally {
            node.destroy();
            node.waitFor();
        }
        List<JsonNode> log = actions("weatherman");
        assertThat(log)
                .anyMatch(a -> a.path("type").asText().equals("Planned")
                        && a.path("model").asText().endsWith("tiny-chat")
                        && a.path("completionTokens").asInt() > 0);
        assertThat(log)
                .anyMatch(a -> a.path("type").asText().equals("ToolCalled")
                        && a.path("tool").asText().equals("weather")
                        && a.path("arguments").asText().contains("Paris"));
        assertThat(log)
                .anyMatch(a -> a.path("type").asText().equals("ToolResult")
                        && a.path("result").asText().equals("sunny in Paris"));
        assertThat(log.stream()
                        .filter(a -> a.path("type").asText().equals("TickFinished"))
                        .map(a -> a.path("outcome").asText()))
                .allMatch(o -> o.equals("step cap 1 reached"));
    }

    @Test
    void aFollowUpScheduledByASkill_runsAnExtraTick_withItsReason() throws Exception {
        newAgent("reminder", """
                purpose: Remind myself.
                heartbeat: 1h
                routine:
                  - skill: schedule_follow_up
                    args: {seconds: 1, reason: "check the mail"}
                """);
        assertThat(cli.run("agent", "launch", "reminder", "--detach").exitCode())
                .isZero();
        Process node = startNode();
        try {
            awaitAction(
                    "reminder",
                    a -> a.path("type").asText().equals("TickStarted")
                            && a.path("pendingWork").toString().contains("check the mail"),
                    Duration.ofSeconds(60));
        } finally {
            node.destroy();
            node.waitFor();
        }
        assertThat(actions("reminder").stream()
                        .filter(is("TickStarted", "reminder#1"))
                        .findFirst()
                        .orElseThrow()
                        .path("pendingWork"))
                .isEmpty();
    }

    @Test
    void badInput_isRefusedWithExitCode2_andLeavesNothingBehind() throws IOException {
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "purpose: x\ngoals: [a, b\nheartbeat: 1m\n");
        CliRun.Result yaml = cli.run("agent", "new", "broken", "--from", broken.toString(), "--light-kdf");
        assertThat(yaml.exitCode()).isEqualTo(2);
        assertThat(yaml.err()).startsWith("error: --from " + broken + " line 3, column");
        assertThat(home.resolve("agents/broken")).doesNotExist();
        assertThat(cli.run("--json", "keys", "list").out()).doesNotContain("\"broken\"");

        Path unknownSkill = tmp.resolve("unknown-skill.yaml");
        Files.writeString(unknownSkill, "purpose: x\nskills: [com.example.Telepathy]\n");
        CliRun.Result skill = cli.run("agent", "new", "psychic", "--from", unknownSkill.toString(), "--light-kdf");
        assertThat(skill.exitCode()).isEqualTo(2);
        assertThat(skill.err()).contains("unknown skill 'com.example.Telepathy'");
        assertThat(home.resolve("agents/psychic")).doesNotExist();

        assertThat(cli.run("agent", "launch", "nobody").err()).contains("no agent named 'nobody'");
        assertThat(cli.run("agent", "new", "Bad_Name").exitCode()).isEqualTo(2);
        assertThat(cli.run("agent", "stop", "nobody").exitCode()).isEqualTo(2);
    }
}
