package dev.cyberia.dashboard;

import com.sun.net.httpserver.HttpServer;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.TreasuryDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The node's dashboard, on 127.0.0.1: every agent (tier, mode, balance, runway, net income, last
 * action), one agent's treasury over time with its live action stream, ledger and hash-chain
 * verdict, the market's offers, and the payments waiting for a person, with approve and deny. It
 * also serves {@code /metrics} for Prometheus.
 *
 * <p>Reading needs nothing; anything that changes state (approve, deny) needs the token printed at
 * start and kept in {@code HOME/dashboard.token} (0600), sent as the {@code X-Cyberia-Token}
 * header, from a page of this origin: a cross-site form cannot set the header, and a request
 * naming another {@code Origin} is refused.
 */
public final class Dashboard implements AutoCloseable {
    /** The token's header. */
    public static final String TOKEN_HEADER = "X-Cyberia-Token";

    private final HttpServer server;
    private final String token;
    private final Metrics metrics;
    private final EventStream stream;

    private Dashboard(HttpServer server, String token, Metrics metrics, EventStream stream) {
        this.server = server;
        this.token = token;
        this.metrics = metrics;
        this.stream = stream;
    }

    /**
     * Where the dashboard listens and keeps its token.
     *
     * @param port 0 for any free port
     * @param home the folder its token is kept in ({@code dashboard.token}, 0600)
     */
    public record Config(int port, Path home) {}

    /** What the dashboard shows and acts on: the node's agents, their events and treasuries. */
    public record Node(
            AgentStore store,
            EventLog events,
            AgentRuntime runtime,
            TreasuryDatabase database,
            Optional<MarketRegistry> market,
            Clock clock) {}

    /** Starts the dashboard on 127.0.0.1. */
    public static Dashboard start(Config config, Node node) {
        String token = newToken(config.home());
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", config.port()), 64);
            Metrics metrics = Metrics.watch(node);
            EventStream stream = new EventStream(node.events());
            Api api = new Api(node, token, stream);
            server.createContext("/metrics", metrics::handle);
            server.createContext("/api/", api::handle);
            server.createContext("/", Pages::handle);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "cyberia-dashboard");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return new Dashboard(server, token, metrics, stream);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot serve the dashboard on 127.0.0.1:" + config.port() + ": " + e.getMessage()
                            + "; pick another port with --dashboard-port",
                    e);
        }
    }

    /** Where the dashboard is. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The token that approves and denies: printed at start, kept 0600 in the home. */
    public String token() {
        return token;
    }

    @Override
    public void close() {
        stream.close();
        metrics.close();
        server.stop(0);
    }

    /** A new token, written to {@code HOME/dashboard.token} (0600) whole or not at all. */
    private static String newToken(Path home) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        try {
            Files.createDirectories(home);
            Path tmp = Files.createTempFile(
                    home,
                    "dashboard",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, token + "\n");
            Files.move(tmp, home.resolve("dashboard.token"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep the dashboard's token in " + home + ": " + e.getMessage(), e);
        }
        return token;
    }
}
