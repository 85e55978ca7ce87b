package dev.cyberia.agentcore;

import dev.cyberia.keystore.Address;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Agents, their ticks, recorded tool calls, notes and nodes, in the same database as the treasury
 * (and, from the first versions, Quartz's tables, now unused). The database is the source of truth: any process on it sees the same
 * agents, so {@code agent list/status/stop} work while a node runs elsewhere.
 */
public final class AgentStore {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    /** An agent with its host node's last check-in: a hold lasts as long as its node keeps checking in. */
    private static final String SELECT =
            "SELECT a.*, n.seen_at AS node_seen_at FROM agents a LEFT JOIN nodes n ON n.id = a.host";

    private final DataSource db;

    private AgentStore(DataSource db) {
        this.db = db;
    }

    /** Migrates the agent tables with Flyway and opens the store. */
    public static AgentStore open(DataSource db) {
        try {
            Flyway.configure()
                    .dataSource(db)
                    .locations(
                            "classpath:db/agents",
                            "classpath:db/" + vendorOf(db).folder() + "/agents")
                    .table("agents_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new AgentException("cannot migrate the agent tables: " + e.getMessage(), e);
        }
        return new AgentStore(db);
    }

    /** Which database the agent tables live in. */
    static dev.cyberia.treasury.TreasuryDatabase.Vendor vendorOf(DataSource db) {
        try (Connection c = db.getConnection()) {
            return dev.cyberia.treasury.TreasuryDatabase.Vendor.of(c);
        } catch (SQLException e) {
            throw new AgentException("cannot reach the agent database: " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return db;
    }

    /** Whether {@code name} could be an agent's name (so it is worth asking the database). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Checks an agent name: lower case letters, digits and dashes, starting with a letter. */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidAgentInputException("agent name '" + name
                    + "' is not valid: use 1-64 lower-case letters, digits and dashes, starting with a letter");
        }
        return name;
    }

    public void create(String name, Address address, String keyName, Path definition, Tier tier, Instant now) {
        insert(name, address, keyName, definition, tier, null, now);
    }

    /** Creates a child automaton of {@code parent}: the lineage is recorded with it. */
    public void createChild(String name, Address address, String keyName, Path definition, String parent, Instant now) {
        insert(name, address, keyName, definition, Tier.AUTOMATON, parent, now);
    }

    private void insert(
            String name, Address address, String keyName, Path definition, Tier tier, String parent, Instant now) {
        requireValidName(name);
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO agents (name, address, key_name,"
                        + " definition_path, tier, mode, state, created_at, parent) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, name);
            ps.setString(2, address.toString());
            ps.setString(3, keyName);
            ps.setString(4, definition.toAbsolutePath().toString());
            ps.setString(5, tier.name());
            ps.setString(6, SurvivalMode.NORMAL.name());
            ps.setString(7, AgentState.CREATED.name());
            ps.setTimestamp(8, Timestamp.from(now));
            ps.setString(9, parent);
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new InvalidAgentInputException("an agent named '" + name + "' already exists");
            }
            throw new AgentException("cannot create agent " + name + ": " + e.getMessage(), e);
        }
    }

    /** The children {@code parent} spawned. */
    public List<AgentRecord> children(String parent) {
        return query(SELECT + " WHERE a.parent = ? ORDER BY a.name", parent);
    }

    public Optional<AgentRecord> find(String name) {
        List<AgentRecord> found = query(SELECT + " WHERE a.name = ?", name);
        return found.stream().findFirst();
    }

    /** @throws InvalidAgentInputException when there is no such agent */
    public AgentRecord get(String name) {
        return find(name)
                .orElseThrow(() -> new InvalidAgentInputException("no agent named '" + name
                        + "'; see 'cyberia agent list', or create it with 'cyberia agent new " + name + "'"));
    }

    public List<AgentRecord> all() {
        return query(SELECT + " ORDER BY a.name");
    }

    public List<AgentRecord> inState(AgentState state) {
        return query(SELECT + " WHERE a.state = ? ORDER BY a.name", state.name());
    }

    public void setState(String name, AgentState state) {
        update("UPDATE agents SET state = ? WHERE name = ?", state.name(), name);
    }

    /**
     * Moves an agent to {@code to} and records it in its events ({@code StateChanged}, naming who
     * did it): how a person launches or stops an agent, from any terminal or page.
     */
    public void changeState(EventLog events, String name, AgentState to, String by) {
        AgentState from = get(name).state();
        setState(name, to);
        events.append(name, null, new AgentEvent.StateChanged(from, to, by));
    }

    public void setMode(String name, SurvivalMode mode) {
        update("UPDATE agents SET mode = ? WHERE name = ?", mode.name(), name);
    }

    public void setTier(String name, Tier tier) {
        update("UPDATE agents SET tier = ? WHERE name = ?", tier.name(), name);
    }

    /**
     * Moves an agent's tick counter from {@code fromSeq} to the next, in the caller's transaction,
     * when nobody else did: no tick is open and the counter is still {@code fromSeq}. This row is
     * what makes one tick of an agent at a time, whichever node runs it.
     *
     * @param openTick the tick left open (it will act), or null for a tick written whole
     * @param lastTickAt when a tick written whole ended, or null
     * @param mode the survival mode the tick moved to, or null
     * @return false when another tick got there first (nothing was changed)
     */
    boolean advanceTick(Connection c, String name, long fromSeq, String openTick, Instant lastTickAt, SurvivalMode mode)
            throws SQLException {
        String sql = "UPDATE agents SET tick_seq = ?, open_tick = ?"
                + (lastTickAt == null ? "" : ", last_tick_at = ?")
                + (mode == null ? "" : ", mode = ?")
                + " WHERE name = ? AND tick_seq = ? AND open_tick IS NULL";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setLong(++i, fromSeq + 1);
            ps.setString(++i, openTick);
            if (lastTickAt != null) {
                ps.setTimestamp(++i, Timestamp.from(lastTickAt));
            }
            if (mode != null) {
                ps.setString(++i, mode.name());
            }
            ps.setString(++i, name);
            ps.setLong(++i, fromSeq);
            return ps.executeUpdate() == 1;
        }
    }

    /** Closes an open tick in the caller's transaction. */
    void closeTick(Connection c, String name, String tickId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE agents SET open_tick = NULL, last_tick_at = ? WHERE name = ? AND open_tick = ?")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, name);
            ps.setString(3, tickId);
            ps.executeUpdate();
        }
    }

    /** Work on one connection, committed together. */
    @FunctionalInterface
    interface InTransaction<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of it commits, or none. */
    <T> T inTransaction(String what, InTransaction<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new AgentException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes the hold of {@code node} on an agent: granted when no live node (one that checked in
     * within {@code lease}) holds it. A hold needs no renewal: it lives as long as its node checks in.
     *
     * @return whether {@code node} now holds it
     */
    public boolean hold(String name, String node, Instant now, Duration lease) {
        return update(
                        "UPDATE agents SET host = ?, host_seen_at = ? WHERE name = ? AND (host IS NULL OR host = ?"
                                + " OR host NOT IN (SELECT id FROM nodes WHERE seen_at >= ?))",
                        node,
                        Timestamp.from(now),
                        name,
                        node,
                        Timestamp.from(now.minus(lease)))
                == 1;
    }

    /** RUNNING agents no live node holds: what a node may take. */
    public List<String> runningUnheld(Instant now, Duration lease) {
        return names(
                "SELECT name FROM agents WHERE state = 'RUNNING' AND (host IS NULL"
                        + " OR host NOT IN (SELECT id FROM nodes WHERE seen_at >= ?)) ORDER BY name",
                Timestamp.from(now.minus(lease)));
    }

    /** How many agents are RUNNING. */
    public int runningCount() {
        return rows("agents", "SELECT COUNT(*) FROM agents WHERE state = 'RUNNING'", rs -> rs.getInt(1))
                .get(0);
    }

    /** The agents {@code node} holds. */
    public List<String> heldBy(String node) {
        return names("SELECT name FROM agents WHERE host = ?", node);
    }

    /** Agents {@code node} holds that are no longer RUNNING: what it must drop. */
    public List<String> heldButStopped(String node) {
        return names("SELECT name FROM agents WHERE host = ? AND state <> 'RUNNING'", node);
    }

    private List<String> names(String sql, Object... args) {
        return rows("agents", sql, TEXT, args);
    }

    public void release(String name, String node) {
        update("UPDATE agents SET host = NULL, host_seen_at = NULL WHERE name = ? AND host = ?", name, node);
    }

    // --- follow-up ticks asked for by the agent, kept until they run ---

    /** A follow-up tick: when it is due and why. */
    public record Wakeup(String id, String agent, Instant dueAt, String reason) {}

    public void addWakeup(Wakeup w) {
        update(
                "INSERT INTO agent_wakeups (id, agent, due_at, reason) VALUES (?,?,?,?)",
                w.id(),
                w.agent(),
                Timestamp.from(w.dueAt()),
                w.reason());
    }

    /** The follow-ups of {@code agent} that have not run, soonest first. */
    public List<Wakeup> wakeups(String agent) {
        return rows(
                "follow-up ticks",
                "SELECT id, agent, due_at, reason FROM agent_wakeups WHERE agent = ? ORDER BY due_at",
                rs -> new Wakeup(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4)),
                agent);
    }

    /** Forgets follow-ups whose tick ran. */
    public void removeWakeups(List<String> ids) {
        for (String id : ids) {
            update("DELETE FROM agent_wakeups WHERE id = ?", id);
        }
    }

    // --- tool calls recorded per tick step, so a re-run tick replays instead of repeating ---

    /** A tool call recorded in a tick; {@code outcome} empty when the call started but never finished. */
    public record RecordedCall(String tool, String arguments, Optional<String> outcome, Optional<String> result) {}

    public Optional<RecordedCall> recordedCall(String tickId, int step) {
        return rows(
                        "tool call " + tickId + "/" + step,
                        "SELECT tool, arguments, outcome, result FROM agent_tool_calls WHERE tick_id = ? AND step = ?",
                        rs -> new RecordedCall(
                                rs.getString(1),
                                rs.getString(2),
                                Optional.ofNullable(rs.getString(3)),
                                Optional.ofNullable(rs.getString(4))),
                        tickId,
                        step)
                .stream()
                .findFirst();
    }

    public void beginCall(String tickId, int step, String tool, String arguments) {
        upsert(
                "agent_tool_calls",
                List.of("tick_id", "step"),
                List.of("tool", "arguments"),
                tickId,
                step,
                tool,
                arguments);
    }

    public void finishCall(String tickId, int step, String outcome, String result) {
        update(
                "UPDATE agent_tool_calls SET outcome = ?, result = ? WHERE tick_id = ? AND step = ?",
                outcome,
                result,
                tickId,
                step);
    }

    // --- notes (the memory skill) ---

    public void remember(String agent, String topic, String note, Instant at) {
        upsert("agent_notes", List.of("agent", "topic"), List.of("note", "at"), agent, topic, note, Timestamp.from(at));
    }

    public Optional<String> recall(String agent, String topic) {
        return rows(
                        "notes of " + agent,
                        "SELECT note FROM agent_notes WHERE agent = ? AND topic = ?",
                        TEXT,
                        agent,
                        topic)
                .stream()
                .findFirst();
    }

    public List<String> topics(String agent) {
        return rows("notes of " + agent, "SELECT topic FROM agent_notes WHERE agent = ? ORDER BY topic", TEXT, agent);
    }

    // --- goals ---

    public void stopGoal(String agent, String goal, Instant at, String reason) {
        upsert(
                "agent_goals_stopped",
                List.of("agent", "goal"),
                List.of("at", "reason"),
                agent,
                goal,
                Timestamp.from(at),
                reason);
    }

    /** Lets a stopped goal be worked on again; false when it was not stopped. */
    public boolean resumeGoal(String agent, String goal) {
        return update("DELETE FROM agent_goals_stopped WHERE agent = ? AND goal = ?", agent, goal) > 0;
    }

    /** The goals of {@code agent} a stop-loss stopped. */
    public java.util.Set<String> stoppedGoals(String agent) {
        return new java.util.HashSet<>(names("SELECT goal FROM agent_goals_stopped WHERE agent = ?", agent));
    }

    // --- nodes ---

    /** A runtime node as it last checked in. */
    public record NodeRecord(
            String id,
            long pid,
            Instant startedAt,
            Instant seenAt,
            boolean stopRequested,
            Optional<String> shopUrl,
            boolean takesAny) {
        public boolean isAlive(Instant now, Duration lease) {
            return seenAt.plus(lease).isAfter(now);
        }
    }

    /** Registers a node, and forgets nodes not seen for a day (killed ones that never said goodbye). */
    public void registerNode(String id, long pid, boolean takesAny, Instant now) {
        update("DELETE FROM nodes WHERE seen_at < ?", Timestamp.from(now.minus(Duration.ofDays(1))));
        upsert(
                "nodes",
                List.of("id"),
                List.of("pid", "started_at", "seen_at", "stop_requested", "takes_any"),
                id,
                pid,
                Timestamp.from(now),
                Timestamp.from(now),
                false,
                takesAny);
    }

    /** Checks a node in. @return whether someone asked it to stop */
    public boolean checkIn(String id, Instant now) {
        update("UPDATE nodes SET seen_at = ? WHERE id = ?", Timestamp.from(now), id);
        return nodes().stream().anyMatch(n -> n.id().equals(id) && n.stopRequested());
    }

    /** Where the node sells its agents' skills. */
    public void setShop(String id, java.net.URI shop) {
        update("UPDATE nodes SET shop_url = ? WHERE id = ?", shop.toString(), id);
    }

    public void requestStop(String id) {
        update("UPDATE nodes SET stop_requested = TRUE WHERE id = ?", id);
    }

    public void removeNode(String id) {
        update("DELETE FROM nodes WHERE id = ?", id);
    }

    public List<NodeRecord> nodes() {
        return rows(
                "nodes",
                "SELECT id, pid, started_at, seen_at, stop_requested, shop_url, takes_any FROM nodes ORDER BY"
                        + " started_at",
                rs -> new NodeRecord(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant(),
                        rs.getBoolean(5),
                        Optional.ofNullable(rs.getString(6)),
                        rs.getBoolean(7)));
    }

    // --- plumbing ---

    /**
     * Inserts the row, or updates it when its key exists: {@code values} are the key columns' then
     * the others', in order. Portable (H2 and PostgreSQL spell MERGE differently); each statement
     * commits on its own, so a twin's insert between the two only turns ours into an update.
     */
    private void upsert(String table, List<String> keys, List<String> columns, Object... values) {
        Object[] keyValues = java.util.Arrays.copyOfRange(values, 0, keys.size());
        Object[] others = java.util.Arrays.copyOfRange(values, keys.size(), values.length);
        Object[] updateArgs = new Object[values.length];
        System.arraycopy(others, 0, updateArgs, 0, others.length);
        System.arraycopy(keyValues, 0, updateArgs, others.length, keyValues.length);
        String update = "UPDATE " + table + " SET " + String.join(" = ?, ", columns) + " = ? WHERE "
                + String.join(" = ? AND ", keys) + " = ?";
        if (update(update, updateArgs) > 0) {
            return;
        }
        List<String> all = new ArrayList<>(keys);
        all.addAll(columns);
        String insert = "INSERT INTO " + table + " (" + String.join(", ", all) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(all.size(), "?")) + ")";
        try {
            update(insert, values);
        } catch (AgentException e) {
            if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                update(update, updateArgs); // a twin inserted it first
                return;
            }
            throw e;
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new AgentException("database update failed: " + e.getMessage(), e);
        }
    }

    private List<AgentRecord> query(String sql, Object... args) {
        return rows("agents", sql, AgentStore::agent, args);
    }

    private static AgentRecord agent(ResultSet rs) throws SQLException {
        return new AgentRecord(
                rs.getString("name"),
                Address.parse(rs.getString("address")),
                rs.getString("key_name"),
                Path.of(rs.getString("definition_path")),
                Tier.valueOf(rs.getString("tier")),
                SurvivalMode.valueOf(rs.getString("mode")),
                AgentState.valueOf(rs.getString("state")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getLong("tick_seq"),
                Optional.ofNullable(rs.getString("open_tick")),
                Optional.ofNullable(rs.getTimestamp("last_tick_at")).map(Timestamp::toInstant),
                Optional.ofNullable(rs.getString("host")),
                Optional.ofNullable(rs.getTimestamp("node_seen_at")).map(Timestamp::toInstant),
                Optional.ofNullable(rs.getString("parent")));
    }

    /** One row of a result set as a value. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static final Row<String> TEXT = rs -> rs.getString(1);

    /** Every row of a query, read by {@code row}; {@code what} names the rows in errors. */
    private <T> List<T> rows(String what, String sql, Row<T> row, Object... args) {
        List<T> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
        } catch (SQLException e) {
            throw new AgentException("cannot read " + what + ": " + e.getMessage(), e);
        }
        return out;
    }
}
