package dev.cyberia.cli;

import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryException;

/** Publishing an offer on start: a failure is reported and the service runs on unlisted. */
final class Offers {
    private Offers() {}

    /** Publishes and returns the line to print: the offer as listed, or why it is not. */
    static String publish(MarketRegistry market, OfferDraft draft, Treasury wallet, Signer signer) {
        try {
            Offer offer = market.publish(draft, wallet, signer);
            return "listed in the market as offer #" + offer.id() + " ("
                    + offer.kind().name().toLowerCase(java.util.Locale.ROOT) + " '" + offer.name() + "' at "
                    + offer.endpoint() + ")";
        } catch (TreasuryException e) {
            return "not listed in the market: " + e.getMessage() + " (serving anyway)";
        }
    }
}
