package dev.cyberia.treasury;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * An offer to publish, checked before anything is signed: a name of letters, digits and
 * {@code . _ - / :}, an absolute http(s) URL with a host (at most 256 characters), and a price of
 * more than zero in an ERC-20 token.
 */
public record OfferDraft(Offer.Kind kind, String name, URI endpoint, Amount price, java.util.Set<String> schemes) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._/:-]{1,100}");

    /** A draft whose endpoint takes x402 {@code exact} only. */
    public OfferDraft(Offer.Kind kind, String name, URI endpoint, Amount price) {
        this(kind, name, endpoint, price, java.util.Set.of(X402.EXACT));
    }

    /** The same draft, its endpoint taking these x402 schemes. */
    public OfferDraft withSchemes(java.util.Set<String> taken) {
        return new OfferDraft(kind, name, endpoint, price, taken);
    }

    public OfferDraft {
        schemes = schemes == null ? java.util.Set.of(X402.EXACT) : java.util.Set.copyOf(schemes);
        if (schemes.isEmpty()
                || !java.util.Set.of(X402.EXACT, X402.BATCH_SETTLEMENT).containsAll(schemes)) {
            throw new InvalidTreasuryInputException("an offer takes exact and/or batch-settlement, not " + schemes);
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidTreasuryInputException(
                    "an offer's name is 1-100 letters, digits or . _ - / :, not '" + name + "'");
        }
        endpoint = endpoint(endpoint == null ? null : endpoint.toString());
        if (price == null || price.isZero()) {
            throw new InvalidTreasuryInputException("offer '" + name + "' needs a price of more than zero");
        }
        if (price.asset().isNative()) {
            throw new InvalidTreasuryInputException(
                    "offer '" + name + "' must be priced in a token that x402 can move (e.g. CYB), not ETH");
        }
    }

    /** Parses and checks an endpoint: absolute http or https, with a host, no spaces, at most 256 characters. */
    public static URI endpoint(String text) {
        String trimmed = text == null ? "" : text.trim();
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new InvalidTreasuryInputException("'" + text + "' is not a URL: " + e.getReason());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || trimmed.length() > 256) {
            throw new InvalidTreasuryInputException("an offer's endpoint is an http(s) URL with a host and no"
                    + " user info, at most 256 characters, e.g. http://127.0.0.1:8402; got '" + text + "'");
        }
        return uri;
    }

    /** Makes a draft from text, as a user or a definition gives it. */
    public static OfferDraft parse(Offer.Kind kind, String name, String endpoint, String price, Asset token) {
        return new OfferDraft(kind, name, endpoint(endpoint), Amount.parsePositive(price, token));
    }

    /** Whether {@code offer} already says what this draft says, so publishing it would change nothing. */
    public boolean sameAs(Offer offer) {
        return offer.active()
                && offer.kind() == kind
                && offer.name().equals(name)
                && offer.endpoint().equals(endpoint)
                && price.asset().token().map(offer.asset()::equals).orElse(false)
                && offer.price().equals(price.baseUnits())
                && offer.schemes().equals(schemes);
    }
}
