package dev.cyberia.dashboard;

import com.sun.net.httpserver.HttpExchange;
import dev.cyberia.agentcore.AgentEvent;
import dev.cyberia.agentcore.EventListener;
import dev.cyberia.agentcore.RecordedEvent;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.TreasuryCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@code /metrics} in Prometheus' text format: ticks and their time, money in and out by asset
 * and account, purchases, policy refusals and survival-mode changes, counted from the events as
 * they are committed; the journal's payments by state, read at each scrape; x402 requests by side
 * and outcome and market lookups, read from the treasury's own counters at each scrape; and
 * the JVM. No
 * label carries an agent's name, so ten thousand agents are not ten thousand series.
 */
final class Metrics implements EventListener, AutoCloseable {
    private final Dashboard.Node node;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge journal;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final java.util.Set<TreasuryCounters.Series> counted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Metrics(Dashboard.Node node) {
        this.node = node;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        journal = MultiGauge.builder("cyberia.journal.payments")
                .description("Payments in the journal, by state (every wallet on this database)")
                .register(registry);
    }

    /** Counts the node's events from now on. */
    static Metrics watch(Dashboard.Node node) {
        Metrics m = new Metrics(node);
        node.events().addListener(m);
        return m;
    }

    @Override
    public void onEvent(RecordedEvent recorded) {
        switch (recorded.event()) {
            case AgentEvent.TickFinished t ->
                Timer.builder("cyberia.ticks")
                        .description("Ticks finished, and how long they took")
                        .tag("kind", t.steps() > 0 ? "acted" : t.outcome().startsWith("failed") ? "failed" : "quiet")
                        .register(registry)
                        .record(Duration.ofMillis(t.millis()));
            case AgentEvent.PaymentSent p ->
                money("cyberia.spent", "Money paid out, by asset and account", p.amount())
                        .and("account", p.purpose())
                        .and("state", p.state())
                        .add(p.amount());
            case AgentEvent.PaymentReceived p ->
                money("cyberia.earned", "Money received, by asset", p.amount()).add(p.amount());
            case AgentEvent.InferenceBought b ->
                money("cyberia.purchases", "Purchases, by kind and asset", b.price())
                        .and("kind", "inference")
                        .add(b.price());
            case AgentEvent.ServiceBought b ->
                money("cyberia.purchases", "Purchases, by kind and asset", b.price())
                        .and("kind", "service")
                        .add(b.price());
            case AgentEvent.PolicyDenied d ->
                Counter.builder("cyberia.policy.denied")
                        .description("Actions the policy gate refused")
                        .register(registry)
                        .increment();
            case AgentEvent.ModeChanged m ->
                Counter.builder("cyberia.mode.changes")
                        .description("Survival-mode changes, by the mode entered")
                        .tag("to", m.to().name())
                        .register(registry)
                        .increment();
            case AgentEvent.PurchaseDisputed d ->
                Counter.builder("cyberia.purchases.disputed")
                        .description("Purchases disputed (bad answer, bad receipt)")
                        .register(registry)
                        .increment();
            default -> {}
        }
    }

    /** A money counter in units of the asset, with the asset as a label. */
    private MoneyCounter money(String name, String description, Amount amount) {
        return new MoneyCounter(
                name, description, Tags.of("asset", amount.asset().symbol()));
    }

    private final class MoneyCounter {
        private final String name;
        private final String description;
        private Tags tags;

        MoneyCounter(String name, String description, Tags tags) {
            this.name = name;
            this.description = description;
            this.tags = tags;
        }

        MoneyCounter and(String key, String value) {
            tags = tags.and(key, value == null ? "" : value);
            return this;
        }

        void add(Amount amount) {
            Counter.builder(name + ".units")
                    .description(description + " (in units of the asset)")
                    .tags(tags)
                    .register(registry)
                    .increment(new java.math.BigDecimal(amount.units()).doubleValue());
            Counter.builder(name + ".count")
                    .description(description + " (how many)")
                    .tags(tags)
                    .register(registry)
                    .increment();
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            for (TreasuryCounters.Series series : TreasuryCounters.snapshot().keySet()) {
                if (counted.add(series)) { // read from the treasury's own counters at each scrape
                    io.micrometer.core.instrument.FunctionCounter.builder(
                                    series.name(), series, s -> TreasuryCounters.count(s))
                            .description(series.description())
                            .tags(Tags.of(series.labels().entrySet().stream()
                                    .map(e -> io.micrometer.core.instrument.Tag.of(e.getKey(), e.getValue()))
                                    .toList()))
                            .register(registry);
                }
            }
            Map<String, Long> states = node.database().paymentsByState();
            journal.register(
                    states.entrySet().stream()
                            .map(e -> MultiGauge.Row.of(Tags.of("state", e.getKey()), e.getValue()))
                            .toList(),
                    true);
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        node.events().removeListener(this);
        gc.close();
        registry.close();
    }
}
