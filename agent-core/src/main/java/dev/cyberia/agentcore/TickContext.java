package dev.cyberia.agentcore;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Treasury;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One tick of one agent, as the planner sees it. Every tool call goes through {@link #call}: the
 * call is checked against the tool's signature, passed through the policy gate, recorded, and, when
 * the tick is a re-run of one a crash left open, replayed from the record instead of run again.
 */
public final class TickContext {
    private final AgentRecord agent;
    private final TickWriter writer;
    private final LoadedAgent loaded;
    private final Observation observation;
    private final AgentStore store;
    private final EventLog events;
    private final PolicyGate gate;
    private final FollowUps followUps;
    private final Clock clock;
    private final Asset token;
    private final Ladder.Rights rights;
    private final AgentAssembler assembler;
    private final List<AgentDefinition.Goal> openGoals;
    private Optional<AgentDefinition.Goal> goal;
    private SurvivalMode mode;
    private Amount spent;
    private int steps;

    TickContext(
            AgentRecord agent,
            TickWriter writer,
            LoadedAgent loaded,
            Observation observation,
            SurvivalMode mode,
            AgentStore store,
            EventLog events,
            PolicyGate gate,
            FollowUps followUps,
            Ladder.Rights rights,
            AgentAssembler assembler,
            List<AgentDefinition.Goal> openGoals,
            Clock clock) {
        this.agent = agent;
        this.openGoals = List.copyOf(openGoals);
        this.goal = openGoals.stream().findFirst();
        this.assembler = assembler;
        this.rights = rights;
        this.writer = writer;
        this.loaded = loaded;
        this.observation = observation;
        this.mode = mode;
        this.store = store;
        this.events = events;
        this.gate = gate;
        this.followUps = followUps;
        this.clock = clock;
        this.token = observation.balance().asset();
        this.spent = Amount.zero(token);
    }

    public String agentName() {
        return agent.name();
    }

    /**
     * The tick's id, which payments and purchases key on: asking for it opens the tick in the
     * database (a tick that only looks around is written once, when it ends).
     */
    public String tickId() {
        writer.open();
        return writer.id();
    }

    /** Whether this tick re-runs one a crash left open; recorded steps are replayed. */
    public boolean resumed() {
        return writer.resumed();
    }

    public AgentDefinition definition() {
        return loaded.definition();
    }

    public Tier tier() {
        return agent.tier();
    }

    public SurvivalMode mode() {
        return mode;
    }

    public Observation observation() {
        return observation;
    }

    public Address address() {
        return agent.address();
    }

    public Asset token() {
        return token;
    }

    /** The tools the planner may offer the model. */
    public List<ToolDescriptor> tools() {
        return loaded.toolbox().tools();
    }

    /** How many tool calls this tick has made. */
    public int steps() {
        return steps;
    }

    public Amount spentThisTick() {
        return spent;
    }

    /** What is left of the per-tick budget. */
    public Amount budgetLeft() {
        return PolicyGate.units(definition().budgets().perTick().min(rights.maxPerTick()), spent)
                .minusOrZero(spent);
    }

    /** Raises the mode for the rest of the tick (the routine planner's "conserve"); never lowers it. */
    public void raiseMode(SurvivalMode to, String reason) {
        if (to.compareTo(mode) > 0) {
            record(new AgentEvent.ModeChanged(mode, to, reason));
            mode = to;
            writer.setMode(to);
        }
    }

    /** The goal this tick works on (the first one not stopped), and that its money counts toward. */
    /** The note under which an agent's skills keep its next task (see {@link #agenda()}). */
    public static final String AGENDA = "agenda";

    /**
     * The agent's next task as its skills last set it ({@link CallContext#setAgenda}), else the
     * definition's {@code inference.agenda}: what an LLM planner works on when no follow-up is pending.
     */
    public Optional<String> agenda() {
        return store.recall(agentName(), AGENDA)
                .or(() -> definition().inference().map(AgentDefinition.Inference::agenda));
    }

    public Optional<AgentDefinition.Goal> goal() {
        return goal;
    }

    /** The goals no stop-loss has stopped, in the definition's order. */
    public List<AgentDefinition.Goal> openGoals() {
        return openGoals;
    }

    /**
     * Works toward {@code goalText} from now on in this tick: its money counts there.
     *
     * @return false, changing nothing, when that goal is stopped or unknown
     */
    public boolean focus(String goalText) {
        Optional<AgentDefinition.Goal> g =
                openGoals.stream().filter(x -> x.text().equals(goalText)).findFirst();
        if (g.isPresent()) {
            goal = g;
        }
        return g.isPresent();
    }

    /** Stores an event in this tick, its money counted toward the tick's goal. */
    public void record(AgentEvent event) {
        writer.record(goal.map(AgentDefinition.Goal::text).orElse(null), event);
    }

    /**
     * Asks the gate whether {@code amount} may be spent now; a refusal is recorded as PolicyDenied.
     *
     * @param tool what is spending (a tool name, or the planner's model)
     */
    public GateDecision authorizeSpend(String tool, Optional<Address> payee, Amount amount) {
        Amount lastDay = Amount.ofBaseUnits(
                token, events.spentSince(agent.name(), clock.instant().minus(Duration.ofDays(1))));
        GateDecision decision =
                gate.beforeSpend(definition(), agent.tier(), rights, mode, payee, amount, spent, lastDay);
        if (!(decision instanceof GateDecision.Allow)) {
            record(new AgentEvent.PolicyDenied(tool, decision.reason()));
        }
        return decision;
    }

    /** Adds money spent in this tick (by a payment, or inference the planner bought). */
    public void charge(Amount amount) {
        spent = spent.plus(amount);
    }

    /** Runs one tool call through validation, the gate, the record and the tool. */
    public ToolOutcome call(ToolCall call) {
        writer.open(); // a call acts: from here a crash re-runs the tick under its id
        int step = ++steps;
        Toolbox toolbox = loaded.toolbox();
        Optional<ToolDescriptor> tool = toolbox.tools().stream()
                .filter(t -> t.name().equals(call.name()))
                .findFirst();
        record(new AgentEvent.ToolCalled(step, call.name(), call.argumentsJson()));
        if (tool.isEmpty()) {
            return finish(
                    step,
                    call,
                    new ToolOutcome.Invalid("unknown tool '" + call.name() + "'; the tools are "
                            + toolbox.tools().stream().map(ToolDescriptor::name).toList()));
        }
        Optional<String> invalid = toolbox.validate(call);
        if (invalid.isPresent()) {
            return finish(step, call, new ToolOutcome.Invalid(invalid.get()));
        }
        Optional<AgentStore.RecordedCall> earlier = store.recordedCall(writer.id(), step);
        if (earlier.isPresent()
                && earlier.get().outcome().isPresent()
                && earlier.get().tool().equals(call.name())
                && earlier.get().arguments().equals(call.argumentsJson())) {
            String text = earlier.get().result().orElse("");
            record(new AgentEvent.ToolResult(step, call.name(), "REPLAYED", text));
            return replayed(earlier.get().outcome().get(), text);
        }
        GateDecision decision = gate.beforeCall(tier(), mode, tool.get());
        if (!(decision instanceof GateDecision.Allow)) {
            record(new AgentEvent.PolicyDenied(call.name(), decision.reason()));
            return finish(step, call, new ToolOutcome.Refused(decision.reason()));
        }
        store.beginCall(writer.id(), step, call.name(), call.argumentsJson());
        ToolOutcome outcome;
        try {
            outcome = toolbox.invoke(call, new CallContext(this, step, call.name()));
        } catch (SpendRefusedException e) {
            outcome = new ToolOutcome.Refused(e.getMessage());
        }
        Objects.requireNonNull(outcome, "a toolbox returned no outcome");
        store.finishCall(writer.id(), step, outcome.label(), outcome.text());
        return finish(step, call, outcome);
    }

    private ToolOutcome finish(int step, ToolCall call, ToolOutcome outcome) {
        record(new AgentEvent.ToolResult(step, call.name(), outcome.label(), outcome.text()));
        return outcome;
    }

    private static ToolOutcome replayed(String label, String text) {
        return switch (label) {
            case "DONE" -> new ToolOutcome.Done(text);
            case "REFUSED" -> new ToolOutcome.Refused(text.replaceFirst("^refused: ", ""));
            case "INVALID" -> new ToolOutcome.Invalid(text.replaceFirst("^invalid call, not executed: ", ""));
            default -> new ToolOutcome.Failed(text.replaceFirst("^failed: ", ""));
        };
    }

    java.util.Optional<dev.cyberia.treasury.TrustRegistries> trust() {
        return loaded.trust();
    }

    java.util.Optional<dev.cyberia.treasury.MarketRegistry> market() {
        return loaded.market();
    }

    Treasury treasury() {
        return loaded.treasury();
    }

    AgentRecord agent() {
        return agent;
    }

    AgentAssembler assembler() {
        return assembler;
    }

    Supplier<Signer> signer() {
        return loaded.signer();
    }

    AgentStore store() {
        return store;
    }

    FollowUps followUps() {
        return followUps;
    }

    Instant now() {
        return clock.instant();
    }
}
