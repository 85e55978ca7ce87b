// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IIdentityRegistry} from "./IIdentityRegistry.sol";

/// @title ValidationRegistry
/// @notice ERC-8004 ("Trustless Agents") validation, written from the specification's interfaces:
/// an agent's owner asks a named validator to check a piece of its work (committed to by
/// `requestHash`, described at `requestURI`); the validator answers 0 (fail) to 100 (pass), and may
/// answer again as it learns more.
contract ValidationRegistry {
    struct ValidationStatus {
        address validatorAddress;
        uint256 agentId;
        uint8 response;
        bytes32 responseHash;
        string tag;
        uint256 lastUpdate;
        bool hasResponse;
    }

    IIdentityRegistry private immutable identity;
    mapping(bytes32 => ValidationStatus) private statuses;
    mapping(uint256 => bytes32[]) private byAgent;
    mapping(address => bytes32[]) private byValidator;

    event ValidationRequest(
        address indexed validatorAddress, uint256 indexed agentId, string requestURI, bytes32 indexed requestHash
    );
    event ValidationResponse(
        address indexed validatorAddress,
        uint256 indexed agentId,
        bytes32 indexed requestHash,
        uint8 response,
        string responseURI,
        bytes32 responseHash,
        string tag
    );

    constructor(address identityRegistry) {
        require(identityRegistry != address(0), "bad identity");
        identity = IIdentityRegistry(identityRegistry);
    }

    function getIdentityRegistry() external view returns (address) {
        return address(identity);
    }

    /// @notice Asks `validatorAddress` to check the agent's work (the agent's owner or operator).
    function validationRequest(
        address validatorAddress,
        uint256 agentId,
        string calldata requestURI,
        bytes32 requestHash
    ) external {
        require(identity.isAuthorizedOrOwner(msg.sender, agentId), "Not authorized");
        require(validatorAddress != address(0), "bad validator");
        require(statuses[requestHash].validatorAddress == address(0), "exists");
        statuses[requestHash] = ValidationStatus(validatorAddress, agentId, 0, bytes32(0), "", block.timestamp, false);
        byAgent[agentId].push(requestHash);
        byValidator[validatorAddress].push(requestHash);
        emit ValidationRequest(validatorAddress, agentId, requestURI, requestHash);
    }

    /// @notice The named validator's answer: 0 fails, 100 passes; it may answer again.
    function validationResponse(
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) external {
        ValidationStatus storage s = statuses[requestHash];
        require(s.validatorAddress != address(0), "unknown");
        require(s.validatorAddress == msg.sender, "not validator");
        require(response <= 100, "resp>100");
        s.response = response;
        s.responseHash = responseHash;
        s.tag = tag;
        s.lastUpdate = block.timestamp;
        s.hasResponse = true;
        emit ValidationResponse(msg.sender, s.agentId, requestHash, response, responseURI, responseHash, tag);
    }

    function getValidationStatus(bytes32 requestHash)
        external
        view
        returns (
            address validatorAddress,
            uint256 agentId,
            uint8 response,
            bytes32 responseHash,
            string memory tag,
            uint256 lastUpdate
        )
    {
        ValidationStatus storage s = statuses[requestHash];
        require(s.validatorAddress != address(0), "unknown");
        return (s.validatorAddress, s.agentId, s.response, s.responseHash, s.tag, s.lastUpdate);
    }

    /// @notice The count and mean of the answered requests of an agent, by validators and tag when given.
    function getSummary(uint256 agentId, address[] calldata validatorAddresses, string calldata tag)
        external
        view
        returns (uint64 count, uint8 averageResponse)
    {
        bytes32[] storage hashes = byAgent[agentId];
        uint256 sum;
        for (uint256 i = 0; i < hashes.length; i++) {
            ValidationStatus storage s = statuses[hashes[i]];
            if (!s.hasResponse) continue;
            if (bytes(tag).length > 0 && keccak256(bytes(s.tag)) != keccak256(bytes(tag))) continue;
            if (validatorAddresses.length > 0) {
                bool named;
                for (uint256 v = 0; v < validatorAddresses.length; v++) {
                    if (validatorAddresses[v] == s.validatorAddress) named = true;
                }
                if (!named) continue;
            }
            sum += s.response;
            count++;
        }
        averageResponse = count == 0 ? 0 : uint8(sum / count);
    }

    function getAgentValidations(uint256 agentId) external view returns (bytes32[] memory) {
        return byAgent[agentId];
    }

    function getValidatorRequests(address validatorAddress) external view returns (bytes32[] memory) {
        return byValidator[validatorAddress];
    }
}
