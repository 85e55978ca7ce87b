// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IIdentityRegistry} from "./IIdentityRegistry.sol";

/// @title ReputationRegistry
/// @notice ERC-8004 ("Trustless Agents") feedback, written from the specification's interfaces
/// (value and valueDecimals, January 2026): any client but the agent's owner and operators may
/// rate an agent; the evidence (a feedback file with the x402 proof of payment) lives at
/// `feedbackURI` and is committed to by `feedbackHash`. Summaries are asked for over a list of
/// clients the asker trusts.
contract ReputationRegistry {
    struct Feedback {
        int128 value;
        uint8 valueDecimals;
        bool isRevoked;
        string tag1;
        string tag2;
    }

    int128 private constant MAX_ABS_VALUE = 1e38;
    IIdentityRegistry private immutable identity;

    mapping(uint256 => mapping(address => mapping(uint64 => Feedback))) private feedback;
    mapping(uint256 => mapping(address => uint64)) private lastIndex;
    mapping(uint256 => address[]) private clients;
    mapping(uint256 => mapping(address => bool)) private isClient;
    mapping(uint256 => mapping(address => mapping(uint64 => uint64))) private responses;

    event NewFeedback(
        uint256 indexed agentId,
        address indexed clientAddress,
        uint64 feedbackIndex,
        int128 value,
        uint8 valueDecimals,
        string indexed indexedTag1,
        string tag1,
        string tag2,
        string endpoint,
        string feedbackURI,
        bytes32 feedbackHash
    );
    event FeedbackRevoked(uint256 indexed agentId, address indexed clientAddress, uint64 indexed feedbackIndex);
    event ResponseAppended(
        uint256 indexed agentId,
        address indexed clientAddress,
        uint64 feedbackIndex,
        address indexed responder,
        string responseURI,
        bytes32 responseHash
    );

    constructor(address identityRegistry) {
        require(identityRegistry != address(0), "bad identity");
        identity = IIdentityRegistry(identityRegistry);
    }

    function getIdentityRegistry() external view returns (address) {
        return address(identity);
    }

    /// @notice Rates an agent. Its owner and operators cannot; an unknown agent reverts.
    function giveFeedback(
        uint256 agentId,
        int128 value,
        uint8 valueDecimals,
        string memory tag1,
        string memory tag2,
        string memory endpoint,
        string memory feedbackURI,
        bytes32 feedbackHash
    ) public {
        require(valueDecimals <= 18, "too many decimals");
        require(value <= MAX_ABS_VALUE && value >= -MAX_ABS_VALUE, "value too large");
        require(!identity.isAuthorizedOrOwner(msg.sender, agentId), "Self-feedback not allowed");
        uint64 index = _record(agentId, Feedback(value, valueDecimals, false, tag1, tag2));
        emit NewFeedback(
            agentId, msg.sender, index, value, valueDecimals, tag1, tag1, tag2, endpoint, feedbackURI, feedbackHash
        );
    }

    function _record(uint256 agentId, Feedback memory given) private returns (uint64 index) {
        index = ++lastIndex[agentId][msg.sender];
        feedback[agentId][msg.sender][index] = given;
        if (!isClient[agentId][msg.sender]) {
            isClient[agentId][msg.sender] = true;
            clients[agentId].push(msg.sender);
        }
    }

    /// @notice Withdraws one's own feedback; it stays readable, marked revoked.
    function revokeFeedback(uint256 agentId, uint64 feedbackIndex) external {
        require(feedbackIndex > 0, "index must be > 0");
        require(feedbackIndex <= lastIndex[agentId][msg.sender], "index out of bounds");
        Feedback storage f = feedback[agentId][msg.sender][feedbackIndex];
        require(!f.isRevoked, "Already revoked");
        f.isRevoked = true;
        emit FeedbackRevoked(agentId, msg.sender, feedbackIndex);
    }

    /// @notice Anyone may answer a feedback (the agent showing a refund, an auditor).
    function appendResponse(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex,
        string calldata responseURI,
        bytes32 responseHash
    ) external {
        require(feedbackIndex > 0, "index must be > 0");
        require(feedbackIndex <= lastIndex[agentId][clientAddress], "index out of bounds");
        require(bytes(responseURI).length > 0, "Empty URI");
        responses[agentId][clientAddress][feedbackIndex]++;
        emit ResponseAppended(agentId, clientAddress, feedbackIndex, msg.sender, responseURI, responseHash);
    }

    function readFeedback(uint256 agentId, address clientAddress, uint64 feedbackIndex)
        external
        view
        returns (int128 value, uint8 valueDecimals, string memory tag1, string memory tag2, bool isRevoked)
    {
        require(feedbackIndex > 0, "index must be > 0");
        require(feedbackIndex <= lastIndex[agentId][clientAddress], "index out of bounds");
        Feedback storage f = feedback[agentId][clientAddress][feedbackIndex];
        return (f.value, f.valueDecimals, f.tag1, f.tag2, f.isRevoked);
    }

    /// @notice The mean of the unrevoked feedback from `clientAddresses` (required: whom the asker
    /// trusts), filtered by tags when given, at the most common number of decimals.
    function getSummary(uint256 agentId, address[] calldata clientAddresses, string calldata tag1, string calldata tag2)
        external
        view
        returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals)
    {
        require(clientAddresses.length > 0, "clientAddresses required");
        int256 sum;
        uint64[19] memory decimalsSeen;
        for (uint256 c = 0; c < clientAddresses.length; c++) {
            (int256 s, uint64 n) = _sumOf(agentId, clientAddresses[c], tag1, tag2, decimalsSeen);
            sum += s;
            count += n;
        }
        if (count == 0) {
            return (0, 0, 0);
        }
        uint8 mode;
        for (uint8 d = 1; d <= 18; d++) {
            if (decimalsSeen[d] > decimalsSeen[mode]) mode = d;
        }
        int256 mean = sum / int256(uint256(count));
        return (count, int128(mean / int256(10 ** (18 - mode))), mode);
    }

    /// @dev One client's unrevoked feedback matching the tags, summed at 18 decimals.
    function _sumOf(
        uint256 agentId,
        address client,
        string calldata tag1,
        string calldata tag2,
        uint64[19] memory decimalsSeen
    ) private view returns (int256 sum, uint64 count) {
        uint64 last = lastIndex[agentId][client];
        for (uint64 i = 1; i <= last; i++) {
            Feedback storage f = feedback[agentId][client][i];
            if (f.isRevoked || !_matches(f.tag1, tag1) || !_matches(f.tag2, tag2)) continue;
            sum += int256(f.value) * int256(10 ** (18 - f.valueDecimals));
            decimalsSeen[f.valueDecimals]++;
            count++;
        }
    }

    function _matches(string storage had, string calldata wanted) private view returns (bool) {
        return bytes(wanted).length == 0 || keccak256(bytes(had)) == keccak256(bytes(wanted));
    }

    function getClients(uint256 agentId) external view returns (address[] memory) {
        return clients[agentId];
    }

    function getLastIndex(uint256 agentId, address clientAddress) external view returns (uint64) {
        return lastIndex[agentId][clientAddress];
    }

    function getResponseCount(uint256 agentId, address clientAddress, uint64 feedbackIndex)
        external
        view
        returns (uint64)
    {
        return responses[agentId][clientAddress][feedbackIndex];
    }
}
