package dev.cyberia.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.Books;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.Treasury;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** An agent running in a {@link Cyberia}: tick it, buy from it, and read what it did and what it has. */
public final class TestAgent {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Cyberia cyberia;
    private final String name;
    private final Address address;

    TestAgent(Cyberia cyberia, String name, Address address) {
        this.cyberia = cyberia;
        this.name = name;
        this.address = address;
    }

    public String name() {
        return name;
    }

    public Address address() {
        return address;
    }

    /** Runs one tick: its routine's steps, or one plan of its scripted model. */
    public AgentRuntime.TickReport tick() {
        return cyberia.runtime.tick(name, List.of());
    }

    /** The URL its sold skill {@code skill} is bought at over x402 (what {@code hire} takes). */
    public String skillUrl(String skill) {
        return cyberia.shop() + "/agents/" + name + "/skills/" + skill;
    }

    /** Its events so far, oldest first, as the console and the logs show them (JSON). */
    public List<JsonNode> events() {
        return cyberia.recorded.stream()
                .filter(e -> e.agent().equals(name))
                .map(e -> read(e.json()))
                .toList();
    }

    /** Its events of one type ("PaymentSent", "ToolResult", "PolicyDenied", …). */
    public List<JsonNode> events(String type) {
        return events().stream()
                .filter(e -> e.path("type").asText().equals(type))
                .toList();
    }

    /** Its profit and loss from its own ledger. */
    public Books books() {
        return Books.of(treasury(), cyberia.token());
    }

    /** Its ledger, every movement booked twice. */
    public List<LedgerEntry> ledger() {
        return treasury().ledger();
    }

    /** What its ledger holds in {@code account} ("expenses:tips", "income:services"…), as a positive amount. */
    public Amount booked(String account) {
        java.math.BigInteger sum = ledger().stream()
                .filter(e -> e.account().equals(account))
                .map(LedgerEntry::amount)
                .reduce(java.math.BigInteger.ZERO, java.math.BigInteger::add);
        return Amount.ofBaseUnits(cyberia.token(), sum.abs());
    }

    /** Its latest payments in the journal, in and out, with their states. */
    public List<Payment> payments() {
        return treasury().recentPayments(100);
    }

    /** Its CYB on chain. */
    public Amount balance() {
        return treasury().balance(cyberia.token());
    }

    /** Its treasury, for anything else. */
    public Treasury treasury() {
        return cyberia.treasury(address);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
