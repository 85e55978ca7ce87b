package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * One x402 purchase: {@code POST body} to {@code resource}, paying at most {@code cap} in the
 * treasury's token, booked to {@code expenseAccount}.
 *
 * @param idempotencyKey the same for every retry and re-run of this purchase: the journal signs
 *     once per key, and a second call with it finishes or returns the first
 * @param payee when present, the only address this purchase may pay (a market listing's offerer)
 * @param timeout how long to wait for the seller's answer
 * @param via how the request and its payment travel: x402 over HTTP (a POST of {@code body} to
 *     {@code resource}), or an A2A agent's skill (its JSON-RPC endpoint at {@code resource},
 *     {@code body} the skill's arguments), paid in the a2a-x402 flow
 */
public record PurchaseOrder(
        String idempotencyKey,
        URI resource,
        byte[] body,
        Amount cap,
        String expenseAccount,
        Optional<Address> payee,
        Duration timeout,
        Via via) {

    /** How a purchase travels to its seller. */
    public sealed interface Via {
        /** x402 over HTTP: the body POSTed, the payment in a header. */
        record Http() implements Via {}

        /** An A2A agent's skill, called with {@code message/send} and paid in the a2a-x402 flow. */
        record A2a(String skill) implements Via {
            public A2a {
                if (skill == null || !skill.matches("[A-Za-z0-9_.-]{1,100}")) {
                    throw new InvalidTreasuryInputException(
                            "an A2A skill is named with 1-100 letters, digits, '_', '.' or '-', not '" + skill + "'");
                }
            }
        }
    }

    /** An x402 purchase over HTTP. */
    public PurchaseOrder(
            String idempotencyKey,
            URI resource,
            byte[] body,
            Amount cap,
            String expenseAccount,
            Optional<Address> payee,
            Duration timeout) {
        this(idempotencyKey, resource, body, cap, expenseAccount, payee, timeout, new Via.Http());
    }

    public PurchaseOrder {
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidTreasuryInputException("an idempotency key is 1-200 characters");
        }
        if (resource == null
                || !("http".equals(resource.getScheme()) || "https".equals(resource.getScheme()))
                || resource.getHost() == null) {
            throw new InvalidTreasuryInputException(
                    "a purchase needs an http(s) URL with a host, not '" + resource + "'");
        }
        if (expenseAccount == null || !expenseAccount.matches("expenses:[a-z0-9_:-]{1,80}")) {
            throw new InvalidTreasuryInputException(
                    "a purchase is booked to an expense account such as expenses:inference, not '" + expenseAccount
                            + "'");
        }
        if (cap == null || cap.isZero() || cap.asset().isNative()) {
            throw new InvalidTreasuryInputException("a purchase needs a cap above zero in a token, not " + cap);
        }
        body = body == null ? new byte[0] : body.clone();
        payee = payee == null ? Optional.empty() : payee;
        timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
        via = via == null ? new Via.Http() : via;
    }

    /** A purchase of {@code resource} with a JSON body, from whoever it names as payee. */
    public static PurchaseOrder of(
            String idempotencyKey, URI resource, byte[] body, Amount cap, String expenseAccount) {
        return new PurchaseOrder(idempotencyKey, resource, body, cap, expenseAccount, Optional.empty(), null);
    }

    /** The same order, which may pay only {@code address}. */
    public PurchaseOrder payingOnly(Address address) {
        return new PurchaseOrder(
                idempotencyKey, resource, body, cap, expenseAccount, Optional.of(address), timeout, via);
    }

    /** The same order under another key (one purchase per seller tried). */
    public PurchaseOrder withKey(String key) {
        return new PurchaseOrder(key, resource, body, cap, expenseAccount, payee, timeout, via);
    }

    /** What the journal names as bought: the URL, or an A2A agent's endpoint and skill ({@code URL#skill}). */
    public String target() {
        return via instanceof Via.A2a a2a ? resource + "#" + a2a.skill() : resource.toString();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
