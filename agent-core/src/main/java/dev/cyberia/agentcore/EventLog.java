package dev.cyberia.agentcore;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.cyberia.treasury.Amount;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only store of agent events. Each event's hash is SHA-256 over the previous hash and
 * the event's canonical JSON, so a changed or removed event breaks {@link #verify}. Listeners (the
 * action log, the console) hear each event after it is committed.
 */
public final class EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new SimpleModule().addSerializer(Amount.class, new AmountSerializer()))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final DataSource db;
    private final Clock clock;
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();

    public EventLog(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void addListener(EventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(EventListener listener) {
        listeners.remove(listener);
    }

    /** Stores {@code event} at the end of {@code agent}'s chain and tells the listeners. */
    public RecordedEvent append(String agent, String tickIdOrNull, AgentEvent event) {
        return append(agent, tickIdOrNull, null, event);
    }

    /** The same, with money in {@code event} counted toward {@code goalOrNull}'s profit and loss. */
    public RecordedEvent append(String agent, String tickIdOrNull, String goalOrNull, AgentEvent event) {
        RecordedEvent recorded;
        for (int attempt = 0; ; attempt++) {
            try {
                recorded = insert(agent, tickIdOrNull, goalOrNull, event);
                break;
            } catch (SQLException e) {
                // two writers took the same seq (a node and a CLI command); the primary key refused one
                if (attempt >= 5 || !"23505".equals(e.getSQLState())) {
                    throw new AgentException(
                            "cannot store event " + event.type() + " of " + agent + ": " + e.getMessage(), e);
                }
            }
        }
        announce(recorded);
        return recorded;
    }

    /** Tells the listeners about an event once it is committed. */
    void announce(RecordedEvent recorded) {
        for (EventListener l : listeners) {
            try {
                l.onEvent(recorded);
            } catch (RuntimeException e) {
                LOG.warn("event listener {} failed: {}", l, e.toString());
            }
        }
    }

    private RecordedEvent insert(String agent, String tickId, String goal, AgentEvent event) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                RecordedEvent recorded = insert(c, agent, tickId, goal, event, clock.instant());
                c.commit();
                return recorded;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Stores {@code event} at the end of {@code agent}'s chain inside the caller's transaction
     * (several events of one tick are written in one commit); the caller commits, then {@link
     * #announce}s.
     */
    RecordedEvent insert(Connection c, String agent, String tickId, String goal, AgentEvent event, Instant at)
            throws SQLException {
        long seq = 0;
        String prev = GENESIS;
        try (PreparedStatement head =
                c.prepareStatement("SELECT seq, hash FROM agent_chain_heads WHERE agent = ? FOR UPDATE")) {
            head.setString(1, agent);
            try (ResultSet rs = head.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1) + 1;
                    prev = rs.getString(2);
                }
            }
        }
        String json = canonicalJson(agent, seq, tickId, at, event);
        String hash = hash(prev, json);
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO agent_events (agent, seq, tick_id, type,"
                + " at, spent_units, earned_units, body, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            ins.setString(1, agent);
            ins.setLong(2, seq);
            ins.setString(3, tickId);
            ins.setString(4, event.type());
            ins.setTimestamp(5, Timestamp.from(at));
            ins.setBigDecimal(
                    6, event.spent().map(a -> new BigDecimal(a.baseUnits())).orElse(null));
            ins.setBigDecimal(
                    7, event.earned().map(a -> new BigDecimal(a.baseUnits())).orElse(null));
            ins.setString(8, json);
            ins.setString(9, prev);
            ins.setString(10, hash);
            ins.executeUpdate();
        }
        try (PreparedStatement head = c.prepareStatement(
                seq == 0
                        ? "INSERT INTO agent_chain_heads (seq, hash, agent) VALUES (?,?,?)"
                        : "UPDATE agent_chain_heads SET seq = ?, hash = ? WHERE agent = ?")) {
            head.setLong(1, seq);
            head.setString(2, hash);
            head.setString(3, agent);
            head.executeUpdate();
        }
        if (event.spent().isPresent() || event.earned().isPresent()) {
            try (PreparedStatement flow = c.prepareStatement("INSERT INTO agent_flows (agent, seq, at,"
                    + " spent_units, earned_units, goal) VALUES (?,?,?,?,?,?)")) {
                flow.setString(1, agent);
                flow.setLong(2, seq);
                flow.setTimestamp(3, Timestamp.from(at));
                flow.setBigDecimal(
                        4, new BigDecimal(event.spent().map(Amount::baseUnits).orElse(BigInteger.ZERO)));
                flow.setBigDecimal(
                        5, new BigDecimal(event.earned().map(Amount::baseUnits).orElse(BigInteger.ZERO)));
                flow.setString(6, goal);
                flow.executeUpdate();
            }
        }
        return new RecordedEvent(agent, seq, tickId, at, event, prev, hash, json);
    }

    static String canonicalJson(String agent, long seq, String tickId, Instant at, AgentEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("at", at.toString());
        node.put("agent", agent);
        node.put("seq", seq);
        if (tickId != null) {
            node.put("tick", tickId);
        }
        node.put("type", event.type());
        node.setAll((ObjectNode) JSON.valueToTree(event));
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new AgentException("cannot write event " + event.type() + " as JSON", e);
        }
    }

    static String hash(String prev, String json) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prev.getBytes(StandardCharsets.US_ASCII));
            sha.update(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last {@code limit} events' JSON of an agent, oldest first. */
    public List<String> last(String agent, int limit) {
        List<String> newestFirst = bodies(
                "SELECT body FROM agent_events WHERE agent = ? ORDER BY seq DESC FETCH FIRST ? ROWS ONLY",
                agent,
                limit);
        return newestFirst.reversed();
    }

    /** The last {@code limit} events' JSON of an agent of one type (e.g. {@code TickStarted}), oldest first. */
    public List<String> lastOfType(String agent, String type, int limit) {
        return bodies(
                        "SELECT body FROM agent_events WHERE agent = ? AND type = ? ORDER BY seq DESC"
                                + " FETCH FIRST ? ROWS ONLY",
                        agent,
                        type,
                        limit)
                .reversed();
    }

    /** Every agent's latest event's JSON, by agent, in one read (the head of each chain). */
    public Map<String, String> latest() {
        Map<String, String> out = new java.util.HashMap<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT e.agent, e.body FROM agent_chain_heads h"
                        + " JOIN agent_events e ON e.agent = h.agent AND e.seq = h.seq");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new AgentException("cannot read the agents' latest events: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Every agent's money events of one type since {@code from} (e.g. {@code InferenceBought}), as
     * JSON, oldest first: read through the money index, never the whole log.
     */
    public List<String> moneyEventsSince(String type, Instant from) {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT e.body FROM agent_flows f"
                        + " JOIN agent_events e ON e.agent = f.agent AND e.seq = f.seq"
                        + " WHERE f.at >= ? AND e.type = ? ORDER BY f.at")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new AgentException("cannot read the " + type + " events: " + e.getMessage(), e);
        }
        return out;
    }

    /** Events of {@code agent} with seq greater than {@code afterSeq}, oldest first (for {@code logs -f}). */
    public List<String> after(String agent, long afterSeq) {
        return bodies("SELECT body FROM agent_events WHERE agent = ? AND seq > ? ORDER BY seq", agent, afterSeq);
    }

    private List<String> bodies(String sql, String agent, Object... bound) {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, agent);
            for (int i = 0; i < bound.length; i++) {
                ps.setObject(i + 2, bound[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new AgentException("cannot read events of " + agent + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Walks {@code agent}'s chain from the start.
     *
     * @return the seq of the first event whose hash or link does not match, or empty when all do
     */
    public Optional<Long> verify(String agent) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT seq, body, prev_hash, hash FROM agent_events WHERE agent = ? ORDER BY seq")) {
            ps.setString(1, agent);
            String prev = GENESIS;
            long expected = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    if (seq != expected
                            || !rs.getString(3).equals(prev)
                            || !hash(prev, rs.getString(2)).equals(rs.getString(4))) {
                        return Optional.of(seq);
                    }
                    prev = rs.getString(4);
                    expected++;
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new AgentException("cannot read events of " + agent + ": " + e.getMessage(), e);
        }
    }

    /** What an agent spent and earned since {@code from}, in base units. */
    public record Flows(BigInteger spent, BigInteger earned) {}

    /** {@link #spentSince} and {@link #earnedSince} in one read. */
    public Flows flowsSince(String agent, Instant from) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(spent_units), 0),"
                        + " COALESCE(SUM(earned_units), 0) FROM agent_flows WHERE agent = ? AND at >= ?")) {
            ps.setString(1, agent);
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Flows(
                        rs.getBigDecimal(1).toBigIntegerExact(),
                        rs.getBigDecimal(2).toBigIntegerExact());
            }
        } catch (SQLException e) {
            throw new AgentException("cannot read events: " + e.getMessage(), e);
        }
    }

    public BigInteger spentSince(String agent, Instant from) {
        return sumSince("spent_units", agent, from);
    }

    /** Money {@code agent} earned since {@code from}, in the token's base units. */
    public BigInteger earnedSince(String agent, Instant from) {
        return sumSince("earned_units", agent, from);
    }

    /** How many events of {@code type} {@code agent} recorded since {@code from}. */
    public int countSince(String agent, String type, Instant from) {
        return count("SELECT COUNT(*) FROM agent_events WHERE agent = ? AND type = ? AND at >= ?", agent, type, from);
    }

    /** What {@code agent} earned by selling its skills since {@code from} (deposits and funding excluded). */
    public BigInteger salesIncomeSince(String agent, Instant from) {
        return scalar(
                        "SELECT COALESCE(SUM(f.earned_units), 0) FROM agent_flows f JOIN agent_events e"
                                + " ON e.agent = f.agent AND e.seq = f.seq"
                                + " WHERE f.agent = ? AND f.at >= ? AND e.tick_id LIKE '%#sale-%'",
                        agent, from)
                .toBigIntegerExact();
    }

    /** What {@code goal} of {@code agent} has earned minus what it spent, in base units, ever. */
    public BigInteger goalNet(String agent, String goal) {
        return scalar(
                        "SELECT COALESCE(SUM(earned_units - spent_units), 0) FROM agent_flows WHERE agent = ? AND goal = ?",
                        agent,
                        goal)
                .toBigIntegerExact();
    }

    /** How many paid calls of its skills {@code agent} served since {@code from}. */
    public int salesSince(String agent, Instant from) {
        return count(
                "SELECT COUNT(*) FROM agent_events r WHERE r.agent = ? AND r.type = ? AND r.at >= ?"
                        + " AND r.tick_id LIKE '%#sale-%' AND NOT EXISTS (SELECT 1 FROM agent_events x"
                        + " WHERE x.agent = r.agent AND x.tick_id = r.tick_id AND x.type = 'PaymentSent'"
                        + " AND x.body LIKE '%\"purpose\":\"expenses:refunds\"%')",
                agent, "PaymentReceived", from);
    }

    private int count(String sql, String agent, String type, Instant from) {
        return scalar(sql, agent, type, from).intValueExact();
    }

    /** One number from a query whose parameters are strings and instants, in order. */
    private BigDecimal scalar(String sql, Object... params) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i] instanceof Instant t ? Timestamp.from(t) : params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        } catch (SQLException e) {
            throw new AgentException("cannot read events: " + e.getMessage(), e);
        }
    }

    private BigInteger sumSince(String column, String agent, Instant from) {
        return scalar(
                        "SELECT COALESCE(SUM(" + column + "), 0) FROM agent_flows WHERE agent = ? AND at >= ?",
                        agent,
                        from)
                .toBigIntegerExact();
    }

    private static final class AmountSerializer extends JsonSerializer<Amount> {
        @Override
        public void serialize(Amount value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartObject();
            gen.writeStringField("asset", value.asset().symbol());
            gen.writeStringField("amount", value.units());
            gen.writeStringField("baseUnits", value.baseUnits().toString());
            gen.writeEndObject();
        }
    }
}
