package dev.cyberia.treasury;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Abi;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The market: the on-chain {@code Registry} contract (contracts/src/Registry.sol) where miners
 * offer inference and agents offer skills. Reading is free; publishing and withdrawing are
 * contract calls sent through the offerer's {@link Treasury#transact journal}, so each is sent
 * once and only its gas is booked.
 */
public final class MarketRegistry {
    private static final String PUBLISH = "publish(uint8,string,string,address,uint256,uint8)";
    /** Offers read per call when listing. */
    private static final int PAGE = 50;

    private final Chain chain;
    private final Address address;

    public MarketRegistry(Chain chain, Address address) {
        this.chain = chain;
        this.address = address;
    }

    public Address address() {
        return address;
    }

    /** Every offer ever published, withdrawn ones included, by id; read a page of offers per call. */
    public List<Offer> all() {
        String count;
        try {
            count = Abi.hex(chain.call(address, Abi.call("offerCount()")));
        } catch (RpcErrorException e) {
            throw new InvalidTreasuryInputException(
                    "no market registry answers at " + address + " (" + e.getMessage() + "); is the devnet up?");
        }
        if (Abi.bytes(count).length < 32) {
            throw new InvalidTreasuryInputException(
                    "no market registry at " + address + " on " + chain.rpc() + "; 'cyberia devnet up' deploys one");
        }
        int n = Abi.uint(count).intValueExact();
        List<Offer> offers = new ArrayList<>(n);
        while (offers.size() < n) {
            List<Offer> page = page(offers.size(), PAGE);
            if (page.isEmpty()) {
                break;
            }
            offers.addAll(page);
        }
        return offers;
    }

    /** {@code offersFrom(start, max)}: an ABI array of the contract's {@code Offer} tuples. */
    private List<Offer> page(long start, int max) {
        byte[] r = chain.call(
                address, Abi.call("offersFrom(uint256,uint256)", BigInteger.valueOf(start), BigInteger.valueOf(max)));
        int array = Abi.uintAtOffset(r, 0).intValueExact();
        int n = Abi.uintAtOffset(r, array).intValueExact();
        int contents = array + 32;
        List<Offer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = contents + Abi.uintAtOffset(r, contents + 32 * i).intValueExact();
            // (offerer, kind, schemes, active, asset, price, updatedAt, name, endpoint)
            out.add(new Offer(
                    start + i,
                    kindOf(Abi.uintAtOffset(r, at + 32).intValueExact()),
                    Abi.stringAtOffset(r, at + Abi.uintAtOffset(r, at + 224).intValueExact()),
                    URI.create(Abi.stringAtOffset(
                            r, at + Abi.uintAtOffset(r, at + 256).intValueExact())),
                    addressIn(Abi.uintAtOffset(r, at)),
                    addressIn(Abi.uintAtOffset(r, at + 128)),
                    Abi.uintAtOffset(r, at + 160),
                    Abi.uintAtOffset(r, at + 96).signum() != 0,
                    Instant.ofEpochSecond(Abi.uintAtOffset(r, at + 192).longValueExact()),
                    schemesOf(Abi.uintAtOffset(r, at + 64).intValueExact())));
        }
        return out;
    }

    /** The offers that are active. */
    public List<Offer> active() {
        return all().stream().filter(Offer::active).toList();
    }

    /**
     * The active offers of this kind whose name is {@code name} (or, for skills, ends with
     * {@code /name}), priced in {@code token} at most {@code cap}: cheapest first, among equals
     * the newest first.
     */
    public List<Offer> offering(Offer.Kind kind, String name, Asset token, Amount cap) {
        List<Offer> found = active().stream()
                .filter(o -> o.kind() == kind)
                .filter(o -> o.name().equals(name)
                        || (kind == Offer.Kind.SKILL && o.name().endsWith("/" + name)))
                .filter(o -> token.token().map(o.asset()::equals).orElse(false))
                .filter(o -> o.price().compareTo(cap.baseUnits()) <= 0)
                .sorted(Comparator.comparing(Offer::price)
                        .thenComparing(Comparator.comparing(Offer::updatedAt).reversed()))
                .toList();
        TreasuryCounters.lookedUp(kind, !found.isEmpty());
        return found;
    }

    /** The first of {@link #offering}: the cheapest seller within the cap. */
    public Optional<Offer> cheapest(Offer.Kind kind, String name, Asset token, Amount cap) {
        return offering(kind, name, token, cap).stream().findFirst();
    }

    /** The offerer's active offer of this kind and name, if any. */
    public Optional<Offer> find(Address offerer, Offer.Kind kind, String name) {
        return active().stream()
                .filter(o -> o.offerer().equals(offerer)
                        && o.kind() == kind
                        && o.name().equals(name))
                .findFirst();
    }

    public Offer offer(long id) {
        String r = Abi.hex(chain.call(address, Abi.call("offer(uint256)", BigInteger.valueOf(id))));
        return new Offer(
                id,
                kindOf(Abi.wordAt(r, 1).intValueExact()),
                Abi.stringAt(r, 6),
                URI.create(Abi.stringAt(r, 7)),
                addressIn(Abi.wordAt(r, 0)),
                addressIn(Abi.wordAt(r, 3)),
                Abi.wordAt(r, 4),
                Abi.wordAt(r, 2).signum() != 0,
                Instant.ofEpochSecond(Abi.wordAt(r, 5).longValueExact()),
                schemesOf(Abi.wordAt(r, 8).intValueExact()));
    }

    /** The contract's scheme bits: 1 {@code exact}, 2 {@code batch-settlement}. */
    private static java.util.Set<String> schemesOf(int bits) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        if ((bits & 1) != 0) {
            out.add(X402.EXACT);
        }
        if ((bits & 2) != 0) {
            out.add(X402.BATCH_SETTLEMENT);
        }
        return out;
    }

    private static int bitsOf(java.util.Set<String> schemes) {
        return (schemes.contains(X402.EXACT) ? 1 : 0) | (schemes.contains(X402.BATCH_SETTLEMENT) ? 2 : 0);
    }

    private static Offer.Kind kindOf(int kind) {
        Offer.Kind[] kinds = Offer.Kind.values();
        if (kind < 0 || kind >= kinds.length) {
            throw new TreasuryException("the registry holds an offer of unknown kind " + kind);
        }
        return kinds[kind];
    }

    /**
     * Publishes the draft from the treasury's wallet, or does nothing when the chain already holds
     * the same active offer from it. Returns the offer as the chain holds it afterwards.
     *
     * @throws TreasuryException when the transaction failed (no ETH for gas, refused by the contract)
     */
    public Offer publish(OfferDraft draft, Treasury treasury, Signer signer) {
        Optional<Offer> current = find(treasury.wallet(), draft.kind(), draft.name());
        if (current.isPresent() && draft.sameAs(current.get())) {
            return current.get();
        }
        byte[] data = Abi.call(
                PUBLISH,
                draft.kind().ordinal(),
                draft.name(),
                draft.endpoint().toString(),
                draft.price().asset().token().orElseThrow(),
                draft.price().baseUnits(),
                bitsOf(draft.schemes()));
        String key = "market:publish:" + draft.kind() + ":" + draft.name() + ":" + chain.blockNumber() + ":"
                + Long.toHexString(System.nanoTime());
        requireConfirmed(treasury.transact(key, address, data, signer), "publishing offer '" + draft.name() + "'");
        return find(treasury.wallet(), draft.kind(), draft.name())
                .orElseThrow(() -> new TreasuryException("offer '" + draft.name() + "' was published but not found"));
    }

    /** Withdraws one of the treasury's own offers. */
    public void withdraw(long offerId, Treasury treasury, Signer signer) {
        Offer offer = offer(offerId);
        if (!offer.offerer().equals(treasury.wallet())) {
            throw new InvalidTreasuryInputException(
                    "offer #" + offerId + " belongs to " + offer.offerer() + "; only its offerer can withdraw it");
        }
        if (!offer.active()) {
            return;
        }
        String key = "market:withdraw:" + offerId + ":" + offer.updatedAt().getEpochSecond();
        byte[] data = Abi.call("withdraw(uint256)", BigInteger.valueOf(offerId));
        requireConfirmed(treasury.transact(key, address, data, signer), "withdrawing offer #" + offerId);
    }

    private static void requireConfirmed(Payment sent, String what) {
        switch (sent.state()) {
            case PaymentState.Confirmed c -> {}
            case PaymentState.Failed f -> throw new TreasuryException(what + " failed: " + f.reason());
            default ->
                throw new TreasuryException(
                        what + " is " + sent.state() + "; 'cyberia treasury reconcile'" + " finishes it");
        }
    }

    private static Address addressIn(BigInteger word) {
        byte[] bytes = word.toByteArray();
        byte[] twenty = new byte[20];
        int len = Math.min(bytes.length, 20);
        System.arraycopy(bytes, bytes.length - len, twenty, 20 - len, len);
        return Address.of(twenty);
    }
}
