package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an x402 purchase came to ({@link Treasury#buy}): its journal entry, when anything was
 * journaled, and its outcome. A purchase whose outcome is unknown is not a Purchase: {@code buy}
 * throws {@link OutcomeUnknownException} and the journal keeps it.
 */
public record Purchase(Optional<Payment> payment, Outcome outcome) {

    /** The seller's HTTP answer. */
    public record Answer(int status, Map<String, List<String>> headers, byte[] body) {
        public Answer {
            headers = Map.copyOf(headers);
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** A header's first value, its name matched without regard to case. */
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }
    }

    /** Where a purchase ended. */
    public sealed interface Outcome {
        /** The seller answered without asking to be paid: nothing was paid. */
        record Free(Answer answer) implements Outcome {}

        /**
         * Paid and answered. {@code transaction} is the settlement on chain (booked), or empty while
         * the chain does not show it yet (it is booked when it does, or released when the
         * authorization expires unused). {@code fromJournal}: the answer kept from an earlier run.
         */
        record Served(Answer answer, Amount price, Address seller, Optional<String> transaction, boolean fromJournal)
                implements Outcome {}

        /**
         * The money left (settled on chain, booked) but no usable answer came: a dispute against the
         * seller is recorded in the journal with the evidence.
         */
        record PaidNotServed(Amount price, Address seller, String transaction, String dispute, Optional<Answer> answer)
                implements Outcome {}

        /** Nothing was paid: the cap, the gate, the spend policy, the funds, or the seller refused. */
        record NotPaid(String reason) implements Outcome {}
    }
}
