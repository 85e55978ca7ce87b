package dev.cyberia.agentcore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cyberia.keystore.Address;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What an agent is for and what it may do, as written in {@code agents/NAME/agent.yaml}. Read with
 * {@link AgentDefinitions#parse}. Amounts are in units of the treasury's token (e.g. "0.25" CYB).
 *
 * @param purpose what the agent is for, in a sentence the planner reads
 * @param goals what it works toward
 * @param tier the tier a new agent starts at
 * @param heartbeat the time between ticks in NORMAL mode
 * @param skills skill classes by fully qualified name, besides the built-in ones
 * @param sells the skills it sells, with prices
 * @param inference where it buys or runs its model; absent for a routine-only agent
 * @param budgets spend caps per tick and per rolling day
 * @param policy payees, hosts and the approval threshold
 * @param survival the thresholds of the survival modes
 * @param routine steps run each tick by the routine planner; with steps, {@code inference} is only
 *     what skills such as {@code buy_inference} buy, never the planner
 * @param mines the model it sells answers of, as a miner, while it is an OWNER (the node serves it)
 * @param allowance a top-up its owner gives it every period, paid by its node from the owner's key
 */
public record AgentDefinition(
        String purpose,
        List<Goal> goals,
        Tier tier,
        Duration heartbeat,
        List<String> skills,
        List<Service> sells,
        Optional<Inference> inference,
        Budgets budgets,
        Policy policy,
        Survival survival,
        List<RoutineStep> routine,
        Optional<Mines> mines,
        Optional<Allowance> allowance) {

    public AgentDefinition {
        if (purpose == null || purpose.isBlank()) {
            throw new IllegalArgumentException("'purpose' is required: say in a sentence what the agent is for");
        }
        goals = goals == null ? List.of() : List.copyOf(goals);
        tier = tier == null ? Tier.AUTOMATON : tier;
        heartbeat = heartbeat == null ? Duration.ofMinutes(1) : heartbeat;
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("'heartbeat' must be at least 1s, not " + heartbeat);
        }
        skills = skills == null ? List.of() : List.copyOf(skills);
        sells = sells == null ? List.of() : List.copyOf(sells);
        inference = inference == null ? Optional.empty() : inference;
        budgets = budgets == null ? new Budgets(null, null) : budgets;
        policy = policy == null ? new Policy(null, null, null) : policy;
        survival = survival == null ? new Survival(null, null, null) : survival;
        routine = routine == null ? List.of() : List.copyOf(routine);
        mines = mines == null ? Optional.empty() : mines;
        allowance = allowance == null ? Optional.empty() : allowance;
        for (RoutineStep step : routine) {
            if (step.goal() != null && goals.stream().noneMatch(g -> g.text().equals(step.goal()))) {
                throw new IllegalArgumentException("routine step goal '" + step.goal() + "' is not one of the goals");
            }
        }
        String allowanceGoal = allowance.map(Allowance::goal).orElse(null);
        if (allowanceGoal != null && goals.stream().noneMatch(g -> g.text().equals(allowanceGoal))) {
            throw new IllegalArgumentException("allowance goal '" + allowanceGoal + "' is not one of the goals");
        }
        for (Service service : sells) {
            if (service.goal() != null && goals.stream().noneMatch(g -> g.text().equals(service.goal()))) {
                throw new IllegalArgumentException("service goal '" + service.goal() + "' is not one of the goals");
            }
        }
    }

    /**
     * Mining, an OWNER's right: the node hosting the agent serves {@code model} (a folder, relative
     * to the definition) or relays {@code upstream} (an OpenAI-compatible URL) over x402 at {@code
     * price} per answer, paid into the agent's treasury ({@code income:inference}), its receipts
     * signed with the agent's key, and lists the offer in the market from the agent's wallet.
     *
     * @param modelName the name buyers ask for (default: the model's own name)
     */
    public record Mines(String model, URI upstream, String modelName, BigDecimal price) {
        public Mines {
            if ((model == null || model.isBlank()) == (upstream == null)) {
                throw new IllegalArgumentException(
                        "'mines' needs one of 'model' (a folder) or 'upstream' (an OpenAI-compatible URL)");
            }
            if (upstream != null && !"http".equals(upstream.getScheme()) && !"https".equals(upstream.getScheme())) {
                throw new IllegalArgumentException("'mines.upstream' must be an http(s) URL, not '" + upstream + "'");
            }
            if (price == null || price.signum() <= 0) {
                throw new IllegalArgumentException("'mines.price' is what one answer costs, above 0, e.g. \"0.005\"");
            }
            if (modelName != null && !modelName.matches("[A-Za-z0-9._:/-]{1,100}")) {
                throw new IllegalArgumentException(
                        "'mines.modelName' is 1-100 letters, digits or ._:/-, not '" + modelName + "'");
            }
        }
    }

    /**
     * A top-up from the agent's owner: {@code amount} every {@code every}, paid by the node hosting
     * the agent from the key named {@code from} (in the node's keystore, unlocked with its
     * passphrase), journaled in the owner's wallet once per period ({@code expenses:allowance}) and
     * booked {@code income:allowance} in the agent's: given, not earned (the ladder does not count
     * it). With {@code goal}, it is that goal's income (its stop-loss then limits what the goal
     * spends beyond its allowance). Change it by editing the definition; remove it to stop it.
     */
    public record Allowance(String from, BigDecimal amount, Duration every, String goal) {
        public Allowance {
            if (from == null || !from.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException(
                        "'allowance.from' names the owner's key (letters, digits, '-' or '_'), not '" + from + "'");
            }
            if (amount == null || amount.signum() <= 0) {
                throw new IllegalArgumentException("'allowance.amount' is above 0, e.g. \"5\"");
            }
            if (every == null || every.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("'allowance.every' is at least 1m, e.g. 1d, not " + every);
            }
        }
    }

    /** A skill sold for a price per call; its income counts toward {@code goal} when one is named. */
    public record Service(String skill, BigDecimal price, String goal) {
        public Service {
            if (skill == null || skill.isBlank()) {
                throw new IllegalArgumentException("a service needs 'skill'");
            }
            requireNonNegative("price", price);
        }
    }

    /**
     * A goal: the task a tick works on (the first one not stopped), with an optional stop-loss: when
     * what it spent minus what it earned passes the stop-loss, the goal is stopped. Written as a
     * string, or as {@code {goal: "...", stopLoss: "2"}}.
     */
    @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = GoalReader.class)
    public record Goal(String text, Optional<BigDecimal> stopLoss) {
        public Goal {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("a goal needs its text");
            }
            if (text.length() > 400) {
                throw new IllegalArgumentException("a goal is at most 400 characters");
            }
            stopLoss = stopLoss == null ? Optional.empty() : stopLoss;
            stopLoss.ifPresent(l -> requireNonNegative("stopLoss", l));
        }
    }

    static final class GoalReader extends com.fasterxml.jackson.databind.JsonDeserializer<Goal> {
        @Override
        public Goal deserialize(
                com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctx)
                throws java.io.IOException {
            JsonNode node = ctx.readTree(p);
            if (node.isTextual()) {
                return new Goal(node.asText(), Optional.empty());
            }
            java.util.Iterator<String> fields = node.fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (!f.equals("goal") && !f.equals("stopLoss")) {
                    throw com.fasterxml.jackson.databind.JsonMappingException.from(
                            p, "unknown field '" + f + "' in a goal; known: [goal, stopLoss]");
                }
            }
            try {
                return new Goal(
                        node.path("goal").asText(null),
                        node.hasNonNull("stopLoss")
                                ? Optional.of(
                                        new BigDecimal(node.get("stopLoss").asText()))
                                : Optional.empty());
            } catch (IllegalArgumentException e) {
                throw com.fasterxml.jackson.databind.JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }

    /**
     * @param model a local model folder (Hugging Face ONNX layout)
     * @param miner a miner's base URL to buy answers from over x402
     * @param endpoint a plain OpenAI-compatible server's base URL (a user's own Ollama, vLLM or a free
     *     miner), unpaid in tokens
     * @param modelName the model's name at the miner
     * @param maxPrice the most it pays per request in NORMAL mode
     * @param conservePrice the most it pays per request in CONSERVE and CRITICAL modes
     * @param maxSteps the planner's step cap per tick
     * @param prompt FULL: purpose, state and task; TASK: the task alone, for models with a tiny context
     * @param tools the tools the planner shows the model (default: all the agent's tools); a small
     *     context needs few. Only what is shown changes: every call still passes the gate
     * @param agenda the planner's first task, until the agent's skills set its agenda (see
     *     {@link TickContext#agenda()}); none: its goal
     */
    public record Inference(
            Optional<String> model,
            Optional<URI> miner,
            Optional<URI> endpoint,
            Boolean market,
            String modelName,
            BigDecimal maxPrice,
            BigDecimal conservePrice,
            Integer maxSteps,
            PromptStyle prompt,
            List<String> tools,
            String agenda,
            Optional<Verify> verify) {
        public Inference {
            verify = verify == null ? Optional.empty() : verify;
            if (verify.isPresent() && model.isPresent()) {
                throw new IllegalArgumentException(
                        "'verify' checks answers bought from miners; a local 'model' needs no check");
            }
            model = model == null ? Optional.empty() : model;
            miner = miner == null ? Optional.empty() : miner;
            endpoint = endpoint == null ? Optional.empty() : endpoint;
            market = Boolean.TRUE.equals(market);
            int sources = (model.isPresent() ? 1 : 0)
                    + (miner.isPresent() ? 1 : 0)
                    + (endpoint.isPresent() ? 1 : 0)
                    + (market ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException("'inference' needs one of 'model' (a folder), 'miner' (a URL),"
                        + " 'endpoint' (an OpenAI-compatible URL) or 'market: true' (the cheapest miner in the market"
                        + " registry offering 'modelName')");
            }
            if (verify.isPresent() && verify.get().ownModel().isEmpty() && !market) {
                throw new IllegalArgumentException("'verify' without a 'model' re-runs checked answers at a second"
                        + " miner found in the market: set 'market: true', or give verify.model (a folder)");
            }
            requireHttp("miner", miner);
            requireHttp("endpoint", endpoint);
            modelName = modelName == null ? "tiny-chat" : modelName;
            maxPrice = maxPrice == null ? new BigDecimal("0.01") : maxPrice;
            conservePrice = conservePrice == null ? maxPrice.divide(BigDecimal.TWO) : conservePrice;
            requireNonNegative("maxPrice", maxPrice);
            requireNonNegative("conservePrice", conservePrice);
            maxSteps = maxSteps == null ? 6 : maxSteps;
            if (maxSteps < 1 || maxSteps > 100) {
                throw new IllegalArgumentException("'maxSteps' must be 1 to 100, not " + maxSteps);
            }
            prompt = prompt == null ? PromptStyle.FULL : prompt;
            agenda = agenda == null || agenda.isBlank() ? null : agenda.strip();
            tools = tools == null ? List.of() : List.copyOf(tools);
        }

        /**
         * How the agent checks the answers it buys: a {@code share} of them (and every one above
         * {@code above}) replayed through its own copy of the model, {@code model} (a folder,
         * relative to the definition), or without one bought again from a second miner of the
         * model in the market and compared, within {@code tolerance} in log-probability.
         */
        public record Verify(String model, BigDecimal share, BigDecimal above, BigDecimal tolerance) {
            public Verify {
                if (model != null && model.isBlank()) {
                    throw new IllegalArgumentException(
                            "'verify.model' names the folder of the agent's own copy of the model (leave it out to"
                                    + " re-run checked answers at a second miner from the market)");
                }
                share = share == null ? new BigDecimal("0.1") : share;
                if (share.signum() < 0 || share.compareTo(BigDecimal.ONE) > 0) {
                    throw new IllegalArgumentException(
                            "'verify.share' is a share from 0 to 1, not " + share.toPlainString());
                }
                if (above != null) {
                    requireNonNegative("verify.above", above);
                }
                tolerance = tolerance == null ? new BigDecimal("0.01") : tolerance;
                if (tolerance.signum() <= 0 || tolerance.compareTo(BigDecimal.ONE) >= 0) {
                    throw new IllegalArgumentException(
                            "'verify.tolerance' is a gap in log-probability above 0 and below 1, not "
                                    + tolerance.toPlainString());
                }
            }

            public Optional<BigDecimal> everyAbove() {
                return Optional.ofNullable(above);
            }

            /** The agent's own copy of the model; empty: checked answers are re-run at a second miner. */
            public Optional<String> ownModel() {
                return Optional.ofNullable(model);
            }
        }

        private static void requireHttp(String field, Optional<URI> url) {
            url.ifPresent(u -> {
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                    throw new IllegalArgumentException("'" + field + "' must be an http(s) URL, not '" + u + "'");
                }
            });
        }

        /** The most it pays per request in {@code mode}: maxPrice in NORMAL, conservePrice otherwise. */
        public BigDecimal maxPriceIn(SurvivalMode mode) {
            return mode == SurvivalMode.NORMAL ? maxPrice : conservePrice;
        }
    }

    /** What the LLM planner tells the model each tick. */
    public enum PromptStyle {
        /** A system message with the purpose, goals, tier, mode, balance and budget, then the task. */
        FULL,
        /** The task alone (the first pending work or goal): for models with a context of a few hundred tokens. */
        TASK
    }

    /** Spend caps; a call that would pass one is refused by the gate. */
    public record Budgets(BigDecimal perTick, BigDecimal perDay) {
        public Budgets {
            perTick = perTick == null ? new BigDecimal("1") : perTick;
            perDay = perDay == null ? new BigDecimal("10") : perDay;
            requireNonNegative("perTick", perTick);
            requireNonNegative("perDay", perDay);
        }
    }

    /**
     * @param payees the only addresses tools may pay (empty: the treasury's own allowlist decides)
     * @param httpHosts the only hosts the HTTP skill may reach
     * @param approvalAbove a single payment above this waits for a person
     */
    public record Policy(List<String> payees, List<String> httpHosts, BigDecimal approvalAbove) {
        public Policy {
            payees = payees == null ? List.of() : List.copyOf(payees);
            for (String p : payees) {
                Address.parse(p);
            }
            httpHosts = httpHosts == null ? List.of() : List.copyOf(httpHosts);
            if (approvalAbove != null) {
                requireNonNegative("approvalAbove", approvalAbove);
            }
        }

        public List<Address> payeeAddresses() {
            return payees.stream().map(Address::parse).toList();
        }

        public Optional<BigDecimal> approvalThreshold() {
            return Optional.ofNullable(approvalAbove);
        }
    }

    /** Thresholds: HIBERNATE below a balance; CRITICAL and CONSERVE below days of runway. */
    public record Survival(BigDecimal hibernateBelow, Integer criticalDays, Integer conserveDays) {
        public Survival {
            hibernateBelow = hibernateBelow == null ? new BigDecimal("0.01") : hibernateBelow;
            requireNonNegative("hibernateBelow", hibernateBelow);
            criticalDays = criticalDays == null ? 1 : criticalDays;
            conserveDays = conserveDays == null ? 7 : conserveDays;
            if (criticalDays < 0 || conserveDays < criticalDays) {
                throw new IllegalArgumentException("survival days must satisfy 0 <= criticalDays <= conserveDays");
            }
        }
    }

    /**
     * One step of the routine planner: call a skill, or switch to a mode, when its condition holds.
     *
     * @param skill the tool to call
     * @param args the tool's arguments, as written in the YAML
     * @param whenBalanceBelow run only when the token balance is below this
     * @param whenBalanceAtLeast run only when the token balance is at least this
     * @param mode switch to at least this mode for the rest of the tick (e.g. CONSERVE)
     * @param goal the goal the step works toward: its money counts there, and it stops with it
     */
    public record RoutineStep(
            String skill,
            JsonNode args,
            BigDecimal whenBalanceBelow,
            BigDecimal whenBalanceAtLeast,
            SurvivalMode mode,
            String goal) {
        public RoutineStep {
            if ((skill == null) == (mode == null)) {
                throw new IllegalArgumentException("a routine step has either 'skill' or 'mode'");
            }
            if (args != null && !args.isObject()) {
                throw new IllegalArgumentException("a routine step's 'args' must be a mapping");
            }
        }

        /** The arguments as JSON, "{}" when none. */
        public String argumentsJson() {
            return args == null ? "{}" : args.toString();
        }
    }

    private static void requireNonNegative(String field, BigDecimal value) {
        if (value == null || value.signum() < 0) {
            throw new IllegalArgumentException("'" + field + "' must be an amount of 0 or more, not " + value);
        }
    }
}
