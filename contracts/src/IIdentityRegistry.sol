// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice What the ERC-8004 reputation and validation registries ask of the identity registry.
interface IIdentityRegistry {
    /// @notice Whether `spender` is the agent's owner or one of its operators (reverts for no such agent).
    function isAuthorizedOrOwner(address spender, uint256 agentId) external view returns (bool);
}
