// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title ERC3009DepositCollector
/// @notice The `eip3009` deposit path of the x402 `batch-settlement` scheme: pulls the payer's
/// tokens with an EIP-3009 `receiveWithAuthorization` (to = this collector, nonce =
/// keccak256(abi.encode(channelId, salt))) and forwards them to the settlement contract.
/// Only the settlement contract may call {collect}, so an authorization can only ever fund the
/// channel its nonce names. The settlement address is an immutable, so the runtime code may be
/// copied to another address.
///
/// Tokens differ in which `receiveWithAuthorization` overloads they have: Circle's FiatTokenV2_2
/// has both the (v, r, s) and the `bytes signature` (EOA or ERC-1271) forms; OpenZeppelin's
/// draft ERC3009 (the project's ComputeToken) only the (v, r, s) form. A 65-byte signature is
/// tried as (v, r, s) first, then as `bytes`; any other length only as `bytes`.
contract ERC3009DepositCollector {
    using SafeERC20 for IERC20;

    /// @notice The settlement contract: the only caller of {collect} and the tokens' destination.
    address public immutable settlement;

    error OnlyX402BatchSettlement();

    constructor(address settlement_) {
        settlement = settlement_;
    }

    /// @param collectorData abi.encode(uint256 validAfter, uint256 validBefore, uint256 salt, bytes signature)
    function collect(address payer, address token, uint256 amount, bytes32 channelId, bytes calldata collectorData)
        external
    {
        if (msg.sender != settlement) revert OnlyX402BatchSettlement();
        (uint256 validAfter, uint256 validBefore, uint256 salt, bytes memory signature) =
            abi.decode(collectorData, (uint256, uint256, uint256, bytes));
        // The arguments both overloads share: from, to, value, validAfter, validBefore, nonce.
        bytes memory head = abi.encode(
            payer, address(this), amount, validAfter, validBefore, keccak256(abi.encode(channelId, salt))
        );
        _receiveWithAuthorization(token, head, signature);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    function _receiveWithAuthorization(address token, bytes memory head, bytes memory signature) private {
        bool ok;
        bytes memory failure;
        if (signature.length == 65) {
            bytes32 r;
            bytes32 s;
            uint256 v;
            assembly ("memory-safe") {
                r := mload(add(signature, 0x20))
                s := mload(add(signature, 0x40))
                v := byte(0, mload(add(signature, 0x60)))
            }
            // receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)
            (ok, failure) = token.call(abi.encodePacked(bytes4(0xef55bec6), head, v, r, s));
        }
        if (ok) return;
        // receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes): the
        // seventh head word is the offset of `signature` (7 words), then its length and padded bytes.
        bytes memory tail = abi.encode(signature);
        assembly ("memory-safe") {
            mstore(add(tail, 0x20), 0xe0)
        }
        (bool ok2, bytes memory failure2) = token.call(abi.encodePacked(bytes4(0x88b7ab63), head, tail));
        if (ok2) return;
        // Report the (v, r, s) failure when the token has no `bytes` overload (empty revert data).
        if (failure2.length != 0 || failure.length == 0) failure = failure2;
        assembly ("memory-safe") {
            revert(add(failure, 0x20), mload(failure))
        }
    }
}
