package dev.cyberia.treasury;

/** Hears every state a payment is written in, right after the journal commits it. */
@FunctionalInterface
public interface PaymentListener {
    PaymentListener NONE = payment -> {};

    void onJournaled(Payment payment);
}
