// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Registry
/// @notice The market: offers of inference (by miners) and of skills (by agents). An offer names
/// what is sold, the endpoint that sells it over x402, its price in base units of an asset, and
/// the offerer's address, and the x402 schemes its endpoint takes (a bit each: 1 `exact`, 2
/// `batch-settlement`). One offer per (offerer, kind, name): publishing again updates it. Only the
/// offerer can update or withdraw its offer.
contract Registry {
    uint8 public constant INFERENCE = 0;
    uint8 public constant SKILL = 1;
    uint8 public constant EXACT = 1;
    uint8 public constant BATCH_SETTLEMENT = 2;

    struct Offer {
        address offerer;
        uint8 kind;
        uint8 schemes;
        bool active;
        address asset;
        uint256 price;
        uint64 updatedAt;
        string name;
        string endpoint;
    }

    Offer[] private offers;
    /// @dev keccak256(offerer, kind, name) => offer id + 1 (0: none)
    mapping(bytes32 => uint256) private idPlusOne;

    event OfferPublished(
        uint256 indexed id,
        address indexed offerer,
        uint8 kind,
        string name,
        string endpoint,
        address asset,
        uint256 price,
        uint8 schemes
    );
    event OfferWithdrawn(uint256 indexed id, address indexed offerer);

    error UnknownKind(uint8 kind);
    error BadName();
    error BadEndpoint();
    error ZeroPrice();
    error UnknownSchemes(uint8 schemes);
    error NotOfferer(uint256 id, address caller);
    error NoSuchOffer(uint256 id);

    /// @notice Publishes an offer, or updates (and re-activates) the caller's offer of the same kind and name.
    function publish(
        uint8 kind,
        string calldata name,
        string calldata endpoint,
        address asset,
        uint256 price,
        uint8 schemes
    ) external returns (uint256 id) {
        if (kind > SKILL) revert UnknownKind(kind);
        if (schemes == 0 || schemes > (EXACT | BATCH_SETTLEMENT)) revert UnknownSchemes(schemes);
        if (bytes(name).length == 0 || bytes(name).length > 100) revert BadName();
        if (!isHttpUrl(bytes(endpoint))) revert BadEndpoint();
        if (price == 0) revert ZeroPrice();
        bytes32 key = keccak256(abi.encode(msg.sender, kind, name));
        uint256 existing = idPlusOne[key];
        if (existing == 0) {
            offers.push(Offer(msg.sender, kind, schemes, true, asset, price, uint64(block.timestamp), name, endpoint));
            id = offers.length - 1;
            idPlusOne[key] = id + 1;
        } else {
            id = existing - 1;
            Offer storage o = offers[id];
            o.active = true;
            o.asset = asset;
            o.price = price;
            o.schemes = schemes;
            o.updatedAt = uint64(block.timestamp);
            o.endpoint = endpoint;
        }
        emit OfferPublished(id, msg.sender, kind, name, endpoint, asset, price, schemes);
    }

    /// @notice Withdraws the caller's offer; it stays readable, inactive, and publishing again revives it.
    function withdraw(uint256 id) external {
        if (id >= offers.length) revert NoSuchOffer(id);
        Offer storage o = offers[id];
        if (o.offerer != msg.sender) revert NotOfferer(id, msg.sender);
        o.active = false;
        o.updatedAt = uint64(block.timestamp);
        emit OfferWithdrawn(id, msg.sender);
    }

    function offerCount() external view returns (uint256) {
        return offers.length;
    }

    /// @notice One offer, as flat values (no struct), so that any ABI decoder reads it.
    function offer(uint256 id)
        external
        view
        returns (
            address offerer,
            uint8 kind,
            bool active,
            address asset,
            uint256 price,
            uint64 updatedAt,
            string memory name,
            string memory endpoint,
            uint8 schemes
        )
    {
        if (id >= offers.length) revert NoSuchOffer(id);
        Offer storage o = offers[id];
        return (o.offerer, o.kind, o.active, o.asset, o.price, o.updatedAt, o.name, o.endpoint, o.schemes);
    }

    /// @notice Up to `max` offers from id `start` on, in one call: what a listing reads page by page.
    function offersFrom(uint256 start, uint256 max) external view returns (Offer[] memory page) {
        uint256 end = start + max;
        if (end > offers.length) end = offers.length;
        if (start >= end) return new Offer[](0);
        page = new Offer[](end - start);
        for (uint256 i = start; i < end; i++) {
            page[i - start] = offers[i];
        }
    }

    /// @dev "http://" or "https://", then at least one character, at most 256 bytes, no spaces.
    function isHttpUrl(bytes calldata u) private pure returns (bool) {
        if (u.length > 256) return false;
        uint256 start;
        if (u.length > 7 && u[0] == "h" && u[1] == "t" && u[2] == "t" && u[3] == "p" && u[4] == ":" && u[5] == "/"
                && u[6] == "/") {
            start = 7;
        } else if (u.length > 8 && u[0] == "h" && u[1] == "t" && u[2] == "t" && u[3] == "p" && u[4] == "s"
                && u[5] == ":" && u[6] == "/" && u[7] == "/") {
            start = 8;
        } else {
            return false;
        }
        for (uint256 i = start; i < u.length; i++) {
            if (u[i] <= 0x20 || u[i] == 0x7f) return false;
        }
        return true;
    }
}
