package dev.cyberia.cli;

import static dev.cyberia.cli.AgentNodeIT.actions;
import static dev.cyberia.cli.AgentNodeIT.awaitAction;
import static dev.cyberia.cli.AgentNodeIT.cli;
import static dev.cyberia.cli.AgentNodeIT.is;
import static dev.cyberia.cli.AgentNodeIT.newAgent;
import static dev.cyberia.cli.AgentNodeIT.startNode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode on PostgreSQL: several node processes on one database, on the devnet and home of
 * {@link AgentNodeIT}. It runs in the build's PostgreSQL execution only ({@code .ci/run}): several
 * processes on one H2 file share it through the process that opened it first, so killing that one
 * is not what a cluster is.
 */
class ClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void devnetUp() throws IOException {
        AgentNodeIT.devnetUp();
    }

    @AfterAll
    static void devnetDown() throws IOException {
        AgentNodeIT.devnetDown_andNoSecretIsLeftInTheHomeOrTheNodesLogs();
    }

    /**
     * Three nodes on one PostgreSQL database share three agents: every heartbeat becomes a tick, no
     * tick of an agent runs twice or overlaps another, and when the node holding most agents is
     * killed with SIGKILL the agents tick on without it, the tick it left open resumed elsewhere.
     */
    @Test
    void threeNodesOnOneDatabase_runEveryHeartbeat_once_andOutliveAKilledNode() throws Exception {
        JsonNode listed = JSON.readTree(cli.run("--json", "agent", "list").out());
        for (JsonNode a : listed.path("agents")) { // earlier tests' agents: not part of this one
            if (a.path("state").asText().equals("RUNNING")) {
                cli.run("agent", "stop", a.path("name").asText());
            }
        }
        List<String> agents = List.of("c1", "c2", "c3");
        for (String name : agents) {
            newAgent(name, """
                    purpose: Rest briefly every second.
                    heartbeat: 1s
                    skills: [dev.cyberia.cli.skills.TestSkills]
                    routine:
                      - skill: nap
                        args: {millis: 200}
                    """);
            assertThat(cli.run("agent", "launch", name, "--detach").exitCode()).isZero();
        }
        // and one that pays every tick, then naps: the node holding it is killed mid-payment
        newAgent("cpay", """
                purpose: Pay my friend every tick, then rest.
                heartbeat: 2s
                skills: [dev.cyberia.cli.skills.TestSkills]
                policy:
                  payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
                routine:
                  - skill: pay
                    args: {to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", amount: "0.1", purpose: services}
                  - skill: nap
                    args: {millis: 3000}
                """);
        assertThat(cli.run("agent", "launch", "cpay", "--detach").exitCode()).isZero();
        List<Process> nodes = new ArrayList<>(
                List.of(startNode("--shop-port", "0"), startNode("--shop-port", "0"), startNode("--shop-port", "0")));
        try {
            for (String name : agents) {
                awaitTicks(name, 3, Duration.ofSeconds(90));
            }
            // no heartbeat is lost while the nodes share the agents: one tick a second each
            java.util.Map<String, Integer> atStart = new java.util.HashMap<>();
            for (String name : agents) {
                atStart.put(name, finished(name));
            }
            Thread.sleep(10_000);
            for (String name : agents) {
                assertThat(finished(name) - atStart.get(name))
                        .as("ticks of %s in 10 s at one heartbeat a second", name)
                        .isGreaterThanOrEqualTo(8);
            }
            JsonNode status = JSON.readTree(cli.run("--json", "node", "status").out());
            // a node's shop asked for an agent another node holds says which shop sells it
            JsonNode holder = null;
            JsonNode other = null;
            for (JsonNode n : status.path("nodes")) {
                if (!n.path("alive").asBoolean()) {
                    continue;
                }
                if (holder == null && n.path("agentNames").size() > 0) {
                    holder = n;
                } else if (other == null) {
                    other = n;
                }
            }
            assertThat(holder).isNotNull();
            assertThat(other).isNotNull();
            String held = holder.path("agentNames").get(0).asText();
            java.net.http.HttpResponse<String> asked = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                            other.path("shopUrl").asText() + "/agents/" + held + "/skills"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(asked.statusCode()).isEqualTo(404);
            assertThat(asked.headers().firstValue("Location"))
                    .contains(holder.path("shopUrl").asText() + "/agents/" + held + "/skills");
            // the node holding the payer goes, mid-payment: paid in an open tick, the nap not done
            long napDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) { // its latest event: the nap begun, after this tick's payment
                List<JsonNode> log = actions("cpay");
                JsonNode last = log.isEmpty() ? null : log.get(log.size() - 1);
                if (last != null
                        && last.path("type").asText().equals("ToolCalled")
                        && last.path("tool").asText().equals("nap")) {
                    break;
                }
                assertThat(System.nanoTime()).as("cpay naps").isLessThan(napDeadline);
                Thread.sleep(50);
            }
            status = JSON.readTree(cli.run("--json", "node", "status").out());
            JsonNode busiest = null;
            for (JsonNode n : status.path("nodes")) {
                for (JsonNode holds : n.path("agentNames")) {
                    if (n.path("alive").asBoolean() && holds.asText().equals("cpay")) {
                        busiest = n;
                    }
                }
            }
            assertThat(busiest).as("a live node holds the payer: %s", status).isNotNull();
            long pid = busiest.path("pid").asLong();
            Process victim =
                    nodes.stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
            String payerTick = openTick("cpay");
            java.util.Map<String, Integer> before = new java.util.HashMap<>();
            for (String name : agents) {
                before.put(name, finished(name));
            }
            long killedAt = System.nanoTime();
            victim.destroyForcibly().waitFor();
            nodes.remove(victim);
            java.util.Map<String, Double> firstAfter = new java.util.TreeMap<>();
            long deadline = killedAt + Duration.ofSeconds(120).toNanos();
            while (agents.stream().anyMatch(n -> finishedQuietly(n) < before.get(n) + 5)) {
                assertThat(System.nanoTime())
                        .as("agents tick on after the kill")
                        .isLessThan(deadline);
                for (String name : agents) {
                    if (!firstAfter.containsKey(name) && finished(name) > before.get(name)) {
                        firstAfter.put(name, (System.nanoTime() - killedAt) / 1e9);
                    }
                }
                Thread.sleep(100);
            }
            System.out.println("cluster: seconds from the SIGKILL to each agent's next finished tick: " + firstAfter
                    + "; the killed node held " + busiest.path("agentNames"));
            // the payer's tick, killed after paying, resumed on another node and did not pay again
            awaitAction("cpay", is("TickFinished", payerTick), Duration.ofSeconds(90));
            assertThat(actions("cpay").stream()
                            .filter(is("TickStarted", payerTick))
                            .map(a -> a.path("resumed").asBoolean()))
                    .containsExactly(false, true);
            assertThat(actions("cpay").stream().filter(is("PaymentSent", payerTick)))
                    .hasSize(1);
        } finally {
            for (String name : agents) {
                cli.run("agent", "stop", name);
            }
            cli.run("agent", "stop", "cpay");
            for (Process node : nodes) {
                node.destroy();
                node.waitFor();
            }
        }
        // every tick of the payer paid once, and its books agree with the chain
        List<JsonNode> paid = actions("cpay").stream()
                .filter(a -> a.path("type").asText().equals("PaymentSent"))
                .toList();
        assertThat(paid.stream().map(a -> a.path("tick").asText()))
                .as("one payment per tick")
                .doesNotHaveDuplicates();
        CliRun.Result reconcile = cli.run("--json", "treasury", "reconcile", "cpay");
        assertThat(reconcile.exitCode()).as(reconcile.out() + reconcile.err()).isZero();
        assertThat(JSON.readTree(reconcile.out()).path("inAgreement").asBoolean())
                .as("the books equal the chain: %s", reconcile.out())
                .isTrue();
        for (String name : List.of("c1", "c2", "c3", "cpay")) {
            List<JsonNode> log = actions(name);
            assertThat(freshStarts(name))
                    .as("no tick of %s started twice", name)
                    .doesNotHaveDuplicates();
            // ticks never overlap: each start follows the previous tick's end (or resumes it)
            String open = null;
            for (JsonNode a : log) {
                String type = a.path("type").asText();
                String tick = a.path("tick").asText();
                if (type.equals("TickStarted")) {
                    assertThat(open == null || open.equals(tick))
                            .as("%s started %s while %s was open", name, tick, open)
                            .isTrue();
                    open = tick;
                } else if (type.equals("TickFinished")) {
                    open = null;
                }
            }
        }
    }

    /** The tick of {@code agent} that has started and not finished. */
    private static String openTick(String agent) throws IOException {
        String open = null;
        for (JsonNode a : actions(agent)) {
            if (a.path("type").asText().equals("TickStarted")) {
                open = a.path("tick").asText();
            } else if (a.path("type").asText().equals("TickFinished")) {
                open = null;
            }
        }
        assertThat(open).as("%s is mid-tick", agent).isNotNull();
        return open;
    }

    private static List<String> freshStarts(String agent) throws IOException {
        return actions(agent).stream()
                .filter(a -> a.path("type").asText().equals("TickStarted")
                        && !a.path("resumed").asBoolean())
                .map(a -> a.path("tick").asText())
                .toList();
    }

    private static int finishedQuietly(String agent) {
        try {
            return finished(agent);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int finished(String agent) throws IOException {
        return (int) actions(agent).stream()
                .filter(a -> a.path("type").asText().equals("TickFinished"))
                .count();
    }

    private static void awaitTicks(String agent, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (finished(agent) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        agent + " finished " + finished(agent) + " ticks, not " + count + ", within " + timeout);
            }
            Thread.sleep(200);
        }
    }
}
