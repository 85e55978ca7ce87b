// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title IdentityRegistry
/// @notice ERC-8004 ("Trustless Agents") identities, written from the specification's interfaces
/// (the January 2026 form, with `unsetAgentWallet` and `isAuthorizedOrOwner`): each agent is an
/// ERC-721 token whose URI is its registration file. The reserved metadata key `agentWallet` holds
/// the address that receives the agent's payments: the minter at registration, another address
/// only with that address's EIP-712 signature (`setAgentWallet`), and nothing after a transfer
/// until the new owner proves one again.
contract IdentityRegistry is ERC721URIStorage, EIP712 {
    struct MetadataEntry {
        string metadataKey;
        bytes metadataValue;
    }

    bytes32 private constant AGENT_WALLET_SET_TYPEHASH =
        keccak256("AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)");
    bytes32 private constant WALLET_KEY = keccak256("agentWallet");
    uint256 private constant MAX_DEADLINE_DELAY = 5 minutes;

    uint256 private nextId;
    mapping(uint256 => mapping(string => bytes)) private metadata;

    event Registered(uint256 indexed agentId, string agentURI, address indexed owner);
    event URIUpdated(uint256 indexed agentId, string newURI, address indexed updatedBy);
    event MetadataSet(
        uint256 indexed agentId, string indexed indexedMetadataKey, string metadataKey, bytes metadataValue
    );

    constructor() ERC721("AgentIdentity", "AGENT") EIP712("ERC8004IdentityRegistry", "1") {}

    /// @notice Registers the caller as a new agent with no URI yet.
    function register() external returns (uint256 agentId) {
        return _register("", new MetadataEntry[](0));
    }

    /// @notice Registers the caller as a new agent whose registration file is at `agentURI`.
    function register(string calldata agentURI) external returns (uint256 agentId) {
        return _register(agentURI, new MetadataEntry[](0));
    }

    /// @notice Registers the caller as a new agent, with metadata (never the reserved `agentWallet`).
    function register(string calldata agentURI, MetadataEntry[] calldata entries) external returns (uint256 agentId) {
        return _register(agentURI, entries);
    }

    function _register(string memory agentURI, MetadataEntry[] memory entries) private returns (uint256 agentId) {
        agentId = nextId++;
        _safeMint(msg.sender, agentId);
        if (bytes(agentURI).length > 0) {
            _setTokenURI(agentId, agentURI);
        }
        _setWallet(agentId, abi.encodePacked(msg.sender));
        emit Registered(agentId, agentURI, msg.sender);
        for (uint256 i = 0; i < entries.length; i++) {
            require(keccak256(bytes(entries[i].metadataKey)) != WALLET_KEY, "reserved key");
            metadata[agentId][entries[i].metadataKey] = entries[i].metadataValue;
            emit MetadataSet(agentId, entries[i].metadataKey, entries[i].metadataKey, entries[i].metadataValue);
        }
    }

    /// @notice Points the agent at a new registration file (owner or operator).
    function setAgentURI(uint256 agentId, string calldata newURI) external {
        require(_isAuthorized(_requireOwned(agentId), msg.sender, agentId), "Not authorized");
        _setTokenURI(agentId, newURI);
        emit URIUpdated(agentId, newURI, msg.sender);
    }

    function getMetadata(uint256 agentId, string calldata metadataKey) external view returns (bytes memory) {
        return metadata[agentId][metadataKey];
    }

    /// @notice Sets a metadata entry (owner or operator); `agentWallet` has its own functions.
    function setMetadata(uint256 agentId, string calldata metadataKey, bytes calldata metadataValue) external {
        require(_isAuthorized(_requireOwned(agentId), msg.sender, agentId), "Not authorized");
        require(keccak256(bytes(metadataKey)) != WALLET_KEY, "reserved key");
        metadata[agentId][metadataKey] = metadataValue;
        emit MetadataSet(agentId, metadataKey, metadataKey, metadataValue);
    }

    /// @notice Sets the agent's wallet to `newWallet`, which proves it agrees by signing
    /// AgentWalletSet(agentId, newWallet, owner, deadline) (EIP-712, or ERC-1271 for a contract).
    function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes calldata signature) external {
        address owner = _requireOwned(agentId);
        require(_isAuthorized(owner, msg.sender, agentId), "Not authorized");
        require(newWallet != address(0), "bad wallet");
        require(block.timestamp <= deadline, "expired");
        require(deadline <= block.timestamp + MAX_DEADLINE_DELAY, "deadline too far");
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(AGENT_WALLET_SET_TYPEHASH, agentId, newWallet, owner, deadline)));
        require(SignatureChecker.isValidSignatureNow(newWallet, digest, signature), "invalid wallet sig");
        _setWallet(agentId, abi.encodePacked(newWallet));
    }

    /// @notice The agent's wallet, or the zero address when none is set.
    function getAgentWallet(uint256 agentId) external view returns (address) {
        bytes memory wallet = metadata[agentId]["agentWallet"];
        return wallet.length == 20 ? address(bytes20(wallet)) : address(0);
    }

    /// @notice Clears the agent's wallet (owner or operator).
    function unsetAgentWallet(uint256 agentId) external {
        require(_isAuthorized(_requireOwned(agentId), msg.sender, agentId), "Not authorized");
        _setWallet(agentId, "");
    }

    /// @notice Whether `spender` is the agent's owner or one of its operators (reverts for no such agent).
    function isAuthorizedOrOwner(address spender, uint256 agentId) external view returns (bool) {
        return _isAuthorized(_requireOwned(agentId), spender, agentId);
    }

    function _setWallet(uint256 agentId, bytes memory wallet) private {
        metadata[agentId]["agentWallet"] = wallet;
        emit MetadataSet(agentId, "agentWallet", "agentWallet", wallet);
    }

    /// @dev A transfer clears the wallet: the new owner proves one again.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        address from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) {
            _setWallet(tokenId, "");
        }
        return super._update(to, tokenId, auth);
    }
}
