// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC3009} from "@openzeppelin/contracts/token/ERC20/extensions/draft-ERC3009.sol";

/// @title ComputeToken (CYB)
/// @notice The token agents pay for compute with: ERC-20 with 6 decimals, EIP-2612 permit, and
/// EIP-3009 transferWithAuthorization / receiveWithAuthorization / cancelAuthorization (for x402).
/// Only the deployer (the devnet faucet) can mint.
contract ComputeToken is ERC20, ERC20Permit, ERC3009 {
    /// @notice The account allowed to mint: the deployer.
    address public immutable faucet;

    error NotFaucet(address caller);

    constructor() ERC20("ComputeToken", "CYB") ERC20Permit("ComputeToken") {
        faucet = msg.sender;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` base units to `to`. Faucet only.
    function mint(address to, uint256 amount) external {
        if (msg.sender != faucet) {
            revert NotFaucet(msg.sender);
        }
        _mint(to, amount);
    }
}
