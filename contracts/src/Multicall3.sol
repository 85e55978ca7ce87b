// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Multicall3
/// @notice The read-batching subset of the well-known Multicall3 interface, for local chains where
/// it is placed at 0xcA11bde05977b3631167028862bE2a173976CA11: the official x402 EVM facilitator
/// reads channel state through `tryAggregate(false, calls)`, and viem's `multicall` action uses
/// `aggregate3`. Plain CALLs from this contract; no value forwarding.
contract Multicall3 {
    struct Call {
        address target;
        bytes callData;
    }

    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Calls each target in turn; reverts if any call fails.
    function aggregate(Call[] calldata calls) public payable returns (uint256 blockNumber, bytes[] memory returnData) {
        blockNumber = block.number;
        uint256 n = calls.length;
        returnData = new bytes[](n);
        for (uint256 i; i < n; ++i) {
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            if (!success) _revertWith("Multicall3: call failed", data);
            returnData[i] = data;
        }
    }

    /// @notice Calls each target in turn; with `requireSuccess`, reverts if any call fails,
    /// otherwise reports each call's success and return (or revert) data.
    function tryAggregate(bool requireSuccess, Call[] calldata calls)
        public
        payable
        returns (Result[] memory returnData)
    {
        uint256 n = calls.length;
        returnData = new Result[](n);
        for (uint256 i; i < n; ++i) {
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            if (requireSuccess && !success) _revertWith("Multicall3: call failed", data);
            returnData[i] = Result(success, data);
        }
    }

    /// @notice {tryAggregate} with the block number and hash.
    function tryBlockAndAggregate(bool requireSuccess, Call[] calldata calls)
        public
        payable
        returns (uint256 blockNumber, bytes32 blockHash, Result[] memory returnData)
    {
        blockNumber = block.number;
        blockHash = blockhash(block.number);
        returnData = tryAggregate(requireSuccess, calls);
    }

    /// @notice Calls each target in turn; reverts if a call that does not allow failure fails.
    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory returnData) {
        uint256 n = calls.length;
        returnData = new Result[](n);
        for (uint256 i; i < n; ++i) {
            Call3 calldata c = calls[i];
            (bool success, bytes memory data) = c.target.call(c.callData);
            if (!success && !c.allowFailure) _revertWith("Multicall3: call failed", data);
            returnData[i] = Result(success, data);
        }
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    function getCurrentBlockTimestamp() external view returns (uint256) {
        return block.timestamp;
    }

    function getChainId() external view returns (uint256) {
        return block.chainid;
    }

    function getEthBalance(address account) external view returns (uint256) {
        return account.balance;
    }

    /// @dev Reverts with Error(`reason`), the message Multicall3 uses (the failing call's own
    /// revert data is not propagated, as in Multicall3).
    function _revertWith(string memory reason, bytes memory) private pure {
        revert(reason);
    }
}
