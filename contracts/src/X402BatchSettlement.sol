// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title X402BatchSettlement
/// @notice Unidirectional payment channels for the x402 `batch-settlement` EVM scheme, written
/// from the scheme's specification (docs/x402-batch-settlement.md): the ABI, the EIP-712 types and
/// the revert rules match the reference contract the official x402 clients, servers and
/// facilitators talk to at 0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003.
///
/// A channel is identified by the EIP-712 hash of its immutable {ChannelConfig} under the domain
/// ("x402 Batch Settlement", "1", chainId, this contract). A payer escrows tokens with {deposit};
/// the receiver side claims cumulative, payer-signed vouchers ({claim}, {claimWithSignature}),
/// which only moves accounting; {settle} sweeps everything claimed for a (receiver, token) pair in
/// one transfer. Unclaimed escrow goes back to the payer by cooperative {refund} /
/// {refundWithSignature}, or by the payer's own timed withdrawal ({initiateWithdraw}, then
/// {finalizeWithdraw} after `withdrawDelay`).
///
/// The constructor sets immutables only (those of {EIP712}, which rebuilds its domain separator
/// when running at another address), so the runtime code may be copied to another address.
contract X402BatchSettlement is EIP712("x402 Batch Settlement", "1"), Multicall, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ---------------------------------------------------------------- types

    struct ChannelConfig {
        address payer;
        address payerAuthorizer;
        address receiver;
        address receiverAuthorizer;
        address token;
        uint40 withdrawDelay;
        bytes32 salt;
    }

    struct ChannelState {
        uint128 balance;
        uint128 totalClaimed;
    }

    struct WithdrawalState {
        uint128 amount;
        uint40 initiatedAt;
    }

    struct ReceiverState {
        uint128 totalClaimed;
        uint128 totalSettled;
    }

    struct Voucher {
        ChannelConfig channel;
        uint128 maxClaimableAmount;
    }

    struct VoucherClaim {
        Voucher voucher;
        bytes signature;
        uint128 totalClaimed;
    }

    // ---------------------------------------------------------------- constants

    uint40 public constant MIN_WITHDRAW_DELAY = 15 minutes;
    uint40 public constant MAX_WITHDRAW_DELAY = 30 days;

    bytes32 public constant CHANNEL_CONFIG_TYPEHASH = keccak256(
        "ChannelConfig(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt)"
    );
    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint128 maxClaimableAmount)");
    bytes32 public constant REFUND_TYPEHASH = keccak256("Refund(bytes32 channelId,uint256 nonce,uint128 amount)");
    bytes32 public constant CLAIM_ENTRY_TYPEHASH =
        keccak256("ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)");
    bytes32 public constant CLAIM_BATCH_TYPEHASH = keccak256(
        "ClaimBatch(ClaimEntry[] claims)ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)"
    );

    /// @dev The deposit collectors' entry point: collect(address payer, address token,
    /// uint256 amount, bytes32 channelId, bytes collectorData).
    bytes4 private constant COLLECT_SELECTOR = bytes4(keccak256("collect(address,address,uint256,bytes32,bytes)"));

    // ---------------------------------------------------------------- state

    mapping(bytes32 => ChannelState) public channels;
    mapping(bytes32 => uint256) public refundNonce;
    mapping(bytes32 => WithdrawalState) public pendingWithdrawals;
    mapping(address => mapping(address => ReceiverState)) public receivers;

    // ---------------------------------------------------------------- events

    event ChannelCreated(bytes32 indexed channelId, ChannelConfig config);
    event ChannelClosed(bytes32 indexed channelId, ChannelConfig config);
    event Deposited(bytes32 indexed channelId, address indexed sender, uint128 amount, uint128 newBalance);
    event Claimed(bytes32 indexed channelId, address indexed sender, uint128 claimAmount, uint128 newTotalClaimed);
    event Settled(address indexed receiver, address indexed token, address indexed sender, uint128 amount);
    event Refunded(bytes32 indexed channelId, address indexed sender, uint128 amount);
    event WithdrawInitiated(bytes32 indexed channelId, uint128 amount, uint40 finalizeAfter);
    event WithdrawFinalized(bytes32 indexed channelId, address indexed sender, uint128 amount);

    // ---------------------------------------------------------------- errors

    error InvalidChannel();
    error WithdrawDelayOutOfRange();
    error ZeroDeposit();
    error InvalidCollector();
    error DepositOverflow();
    error DepositCollectionFailed();
    error EmptyBatch();
    error NotAuthorizedToClaim();
    error NotReceiverAuthorizer();
    error InvalidSignature();
    error ClaimExceedsCeiling();
    error ClaimExceedsBalance();
    error NothingToWithdraw();
    error WithdrawalAlreadyPending();
    error WithdrawAmountExceedsAvailable();
    error NotAuthorizedToFinalizeWithdraw();
    error WithdrawalNotPending();
    error WithdrawDelayNotElapsed();
    error NotAuthorizedToRefund();
    error InvalidRefundNonce();
    error ZeroRefund();

    // ---------------------------------------------------------------- deposit

    /// @notice Escrows `amount` of `config.token` from `config.payer` into the channel, pulled by
    /// `collector` with the payer's authorization in `collectorData`. Anyone may submit it.
    function deposit(ChannelConfig calldata config, uint128 amount, address collector, bytes calldata collectorData)
        external
        nonReentrant
    {
        if (
            config.payer == address(0) || config.receiver == address(0) || config.receiverAuthorizer == address(0)
                || config.token == address(0)
        ) revert InvalidChannel();
        uint40 delay = config.withdrawDelay;
        if (delay < MIN_WITHDRAW_DELAY || delay > MAX_WITHDRAW_DELAY) revert WithdrawDelayOutOfRange();
        if (amount == 0) revert ZeroDeposit();
        if (collector == address(0)) revert InvalidCollector();

        bytes32 channelId = _channelId(config, _domainSeparatorV4());
        ChannelState storage ch = channels[channelId];
        uint256 newBalance = uint256(ch.balance) + amount;
        if (newBalance > type(uint128).max) revert DepositOverflow();
        ch.balance = uint128(newBalance);

        IERC20 token = IERC20(config.token);
        uint256 before = token.balanceOf(address(this));
        _collect(collector, config.payer, address(token), amount, channelId, collectorData);
        if (token.balanceOf(address(this)) != before + amount) revert DepositCollectionFailed();

        if (newBalance == amount && ch.totalClaimed == 0) emit ChannelCreated(channelId, config);
        emit Deposited(channelId, msg.sender, amount, uint128(newBalance));
    }

    // ---------------------------------------------------------------- claims

    /// @notice Claims vouchers; the caller must be the receiver or the receiver authorizer of
    /// every row. Rows whose `totalClaimed` is not above the channel's are skipped silently.
    function claim(VoucherClaim[] calldata voucherClaims) external nonReentrant {
        uint256 n = voucherClaims.length;
        if (n == 0) revert EmptyBatch();
        bytes32 ds = _domainSeparatorV4();
        bytes32[] memory ids = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            ChannelConfig calldata c = voucherClaims[i].voucher.channel;
            if (msg.sender != c.receiver && msg.sender != c.receiverAuthorizer) revert NotAuthorizedToClaim();
            ids[i] = _channelId(c, ds);
        }
        _applyClaims(voucherClaims, ids, ds, address(0));
    }

    /// @notice Claims vouchers authorized by an EIP-712 `ClaimBatch` signature of the receiver
    /// authorizer (that of the first row, which every row must share). Anyone may submit it.
    function claimWithSignature(VoucherClaim[] calldata voucherClaims, bytes calldata authorizerSignature)
        external
        nonReentrant
    {
        uint256 n = voucherClaims.length;
        if (n == 0) revert EmptyBatch();
        bytes32 ds = _domainSeparatorV4();
        (bytes32[] memory ids, bytes32 batchHash) = _claimBatchHash(voucherClaims, ds);
        address authorizer = voucherClaims[0].voucher.channel.receiverAuthorizer;
        if (
            !SignatureChecker.isValidSignatureNowCalldata(
                authorizer, MessageHashUtils.toTypedDataHash(ds, batchHash), authorizerSignature
            )
        ) revert InvalidSignature();
        _applyClaims(voucherClaims, ids, ds, authorizer);
    }

    /// @notice Transfers everything claimed but not yet settled for (`receiver`, `token`) to
    /// `receiver`. Anyone may call it; nothing happens when there is nothing to settle.
    function settle(address receiver, address token) external nonReentrant {
        ReceiverState storage r = receivers[receiver][token];
        uint128 claimed = r.totalClaimed;
        uint128 amount = claimed - r.totalSettled;
        if (amount == 0) return;
        r.totalSettled = claimed;
        emit Settled(receiver, token, msg.sender, amount);
        IERC20(token).safeTransfer(receiver, amount);
    }

    // ---------------------------------------------------------------- timed withdrawal

    /// @notice Starts the payer's timed withdrawal of up to `amount` of unclaimed escrow.
    function initiateWithdraw(ChannelConfig calldata config, uint128 amount) external nonReentrant {
        if (msg.sender != config.payer && msg.sender != config.payerAuthorizer) revert InvalidChannel();
        if (amount == 0) revert NothingToWithdraw();
        bytes32 channelId = _channelId(config, _domainSeparatorV4());
        WithdrawalState storage w = pendingWithdrawals[channelId];
        if (w.initiatedAt != 0) revert WithdrawalAlreadyPending();
        ChannelState storage ch = channels[channelId];
        if (amount > ch.balance - ch.totalClaimed) revert WithdrawAmountExceedsAvailable();
        w.amount = amount;
        w.initiatedAt = uint40(block.timestamp);
        emit WithdrawInitiated(channelId, amount, uint40(block.timestamp) + config.withdrawDelay);
    }

    /// @notice Completes a timed withdrawal once `withdrawDelay` has passed, paying the payer the
    /// requested amount capped by the escrow still unclaimed.
    function finalizeWithdraw(ChannelConfig calldata config) external nonReentrant {
        if (msg.sender != config.payer && msg.sender != config.payerAuthorizer) {
            revert NotAuthorizedToFinalizeWithdraw();
        }
        bytes32 channelId = _channelId(config, _domainSeparatorV4());
        WithdrawalState memory w = pendingWithdrawals[channelId];
        if (w.initiatedAt == 0) revert WithdrawalNotPending();
        if (block.timestamp < uint256(w.initiatedAt) + config.withdrawDelay) revert WithdrawDelayNotElapsed();
        delete pendingWithdrawals[channelId];

        ChannelState storage ch = channels[channelId];
        uint128 balance = ch.balance;
        uint128 claimed = ch.totalClaimed;
        uint128 available = balance - claimed;
        uint128 amount = w.amount < available ? w.amount : available;
        balance -= amount;
        ch.balance = balance;
        emit WithdrawFinalized(channelId, msg.sender, amount);
        if (balance == 0 && claimed == 0) emit ChannelClosed(channelId, config);
        if (amount != 0) IERC20(config.token).safeTransfer(config.payer, amount);
    }

    // ---------------------------------------------------------------- cooperative refund

    /// @notice Returns up to `amount` of unclaimed escrow to the payer; callable by the receiver
    /// or the receiver authorizer.
    function refund(ChannelConfig calldata config, uint128 amount) external nonReentrant {
        if (msg.sender != config.receiver && msg.sender != config.receiverAuthorizer) revert NotAuthorizedToRefund();
        _refund(config, _channelId(config, _domainSeparatorV4()), amount);
    }

    /// @notice {refund} authorized by an EIP-712 `Refund(channelId, nonce, amount)` signature of
    /// the receiver authorizer, for the channel's current refund nonce. Anyone may submit it.
    function refundWithSignature(
        ChannelConfig calldata config,
        uint128 amount,
        uint256 nonce,
        bytes calldata receiverAuthorizerSignature
    ) external nonReentrant {
        bytes32 ds = _domainSeparatorV4();
        bytes32 channelId = _channelId(config, ds);
        if (nonce != refundNonce[channelId]) revert InvalidRefundNonce();
        bytes32 digest = MessageHashUtils.toTypedDataHash(ds, _refundStructHash(channelId, nonce, amount));
        if (!SignatureChecker.isValidSignatureNowCalldata(config.receiverAuthorizer, digest, receiverAuthorizerSignature))
        {
            revert InvalidSignature();
        }
        _refund(config, channelId, amount);
    }

    // ---------------------------------------------------------------- views

    function getChannelId(ChannelConfig calldata config) public view returns (bytes32) {
        return _channelId(config, _domainSeparatorV4());
    }

    function getVoucherDigest(bytes32 channelId, uint128 maxClaimableAmount) public view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_domainSeparatorV4(), _voucherStructHash(channelId, maxClaimableAmount));
    }

    function getRefundDigest(bytes32 channelId, uint256 nonce, uint128 amount) public view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_domainSeparatorV4(), _refundStructHash(channelId, nonce, amount));
    }

    function getClaimBatchDigest(VoucherClaim[] calldata voucherClaims) public view returns (bytes32) {
        bytes32 ds = _domainSeparatorV4();
        (, bytes32 batchHash) = _claimBatchHash(voucherClaims, ds);
        return MessageHashUtils.toTypedDataHash(ds, batchHash);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Applies the claim rows (their channel ids precomputed in `ids`). With a non-zero
    /// `authorizer`, every row must name it as receiver authorizer. The receiver totals are
    /// accumulated over consecutive rows of the same (receiver, token) and written once per run.
    function _applyClaims(VoucherClaim[] calldata rows, bytes32[] memory ids, bytes32 ds, address authorizer) private {
        address runReceiver;
        address runToken;
        uint256 runAmount;
        uint256 n = rows.length;
        for (uint256 i; i < n; ++i) {
            VoucherClaim calldata row = rows[i];
            uint128 delta = _claimRow(row, ids[i], ds, authorizer);
            if (delta == 0) continue;
            ChannelConfig calldata c = row.voucher.channel;
            address receiver = c.receiver;
            address token = c.token;
            if (receiver != runReceiver || token != runToken) {
                _creditReceiver(runReceiver, runToken, runAmount);
                runReceiver = receiver;
                runToken = token;
                runAmount = 0;
            }
            runAmount += delta;
        }
        _creditReceiver(runReceiver, runToken, runAmount);
    }

    /// @dev One claim row: returns the newly claimed amount, 0 for a replay (no checks then).
    function _claimRow(VoucherClaim calldata row, bytes32 channelId, bytes32 ds, address authorizer)
        private
        returns (uint128 delta)
    {
        ChannelConfig calldata c = row.voucher.channel;
        if (authorizer != address(0) && c.receiverAuthorizer != authorizer) revert NotReceiverAuthorizer();
        uint128 newTotal = row.totalClaimed;
        ChannelState storage ch = channels[channelId];
        ChannelState memory s = ch;
        if (newTotal <= s.totalClaimed) return 0; // already claimed: a replay is a no-op
        uint128 ceiling = row.voucher.maxClaimableAmount;
        if (newTotal > ceiling) revert ClaimExceedsCeiling();
        if (newTotal > s.balance) revert ClaimExceedsBalance();
        bytes32 digest = MessageHashUtils.toTypedDataHash(ds, _voucherStructHash(channelId, ceiling));
        if (!_voucherSignatureValid(c, digest, row.signature)) revert InvalidSignature();
        delta = newTotal - s.totalClaimed;
        ch.totalClaimed = newTotal;
        emit Claimed(channelId, msg.sender, delta, newTotal);
    }

    /// @dev A voucher is signed by the payer authorizer (ECDSA only) or, when that is zero, by the
    /// payer (ECDSA, or ERC-1271 for a contract payer).
    function _voucherSignatureValid(ChannelConfig calldata c, bytes32 digest, bytes calldata signature)
        private
        view
        returns (bool)
    {
        address payerAuthorizer = c.payerAuthorizer;
        if (payerAuthorizer != address(0)) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
            return err == ECDSA.RecoverError.NoError && signer == payerAuthorizer;
        }
        return SignatureChecker.isValidSignatureNowCalldata(c.payer, digest, signature);
    }

    /// @dev Calls `collector.collect(payer, token, amount, channelId, collectorData)`, bubbling
    /// its revert. A collector pulls the payer's tokens by the authorization in `collectorData` and
    /// delivers them here; {deposit} then checks that exactly `amount` arrived.
    function _collect(
        address collector,
        address payer,
        address token,
        uint256 amount,
        bytes32 channelId,
        bytes calldata collectorData
    ) private {
        (bool ok, bytes memory failure) = collector.call(
            abi.encodeWithSelector(COLLECT_SELECTOR, payer, token, amount, channelId, collectorData)
        );
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(failure, 0x20), mload(failure))
            }
        }
    }

    function _creditReceiver(address receiver, address token, uint256 amount) private {
        if (amount == 0) return;
        ReceiverState storage r = receivers[receiver][token];
        uint256 total = uint256(r.totalClaimed) + amount;
        if (total > type(uint128).max) revert ClaimExceedsBalance();
        r.totalClaimed = uint128(total);
    }

    function _refund(ChannelConfig calldata config, bytes32 channelId, uint128 amount) private {
        if (amount == 0) revert ZeroRefund();
        unchecked {
            ++refundNonce[channelId];
        }
        ChannelState storage ch = channels[channelId];
        uint128 balance = ch.balance;
        uint128 claimed = ch.totalClaimed;
        uint128 available = balance - claimed;
        uint128 x = amount < available ? amount : available;
        if (x == 0) return;
        balance -= x;
        ch.balance = balance;

        WithdrawalState storage w = pendingWithdrawals[channelId];
        if (w.initiatedAt != 0) {
            uint128 pending = w.amount;
            if (x >= pending) {
                delete pendingWithdrawals[channelId];
            } else {
                w.amount = pending - x;
            }
        }
        emit Refunded(channelId, msg.sender, x);
        if (balance == 0 && claimed == 0) emit ChannelClosed(channelId, config);
        IERC20(config.token).safeTransfer(config.payer, x);
    }

    /// @dev The `ClaimBatch` struct hash of `rows`, and each row's channel id.
    function _claimBatchHash(VoucherClaim[] calldata rows, bytes32 ds)
        private
        pure
        returns (bytes32[] memory ids, bytes32 batchHash)
    {
        uint256 n = rows.length;
        ids = new bytes32[](n);
        bytes32[] memory entries = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            VoucherClaim calldata row = rows[i];
            bytes32 channelId = _channelId(row.voucher.channel, ds);
            ids[i] = channelId;
            entries[i] = _claimEntryHash(channelId, row.voucher.maxClaimableAmount, row.totalClaimed);
        }
        bytes32 arrayHash;
        assembly ("memory-safe") {
            arrayHash := keccak256(add(entries, 0x20), shl(5, n))
        }
        batchHash = keccak256(abi.encode(CLAIM_BATCH_TYPEHASH, arrayHash));
    }

    /// @dev The channel id: the EIP-712 digest of the config's struct hash under `ds`. Reverts
    /// InvalidChannel on config words that are not clean ABI values.
    function _channelId(ChannelConfig calldata c, bytes32 ds) private pure returns (bytes32 id) {
        bytes32 typeHash = CHANNEL_CONFIG_TYPEHASH;
        bool dirty;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            calldatacopy(add(p, 0x20), c, 0xe0)
            dirty := or(
                or(or(shr(160, mload(add(p, 0x20))), shr(160, mload(add(p, 0x40)))), shr(160, mload(add(p, 0x60)))),
                or(or(shr(160, mload(add(p, 0x80))), shr(160, mload(add(p, 0xa0)))), shr(40, mload(add(p, 0xc0))))
            )
            let structHash := keccak256(p, 0x100)
            mstore(p, hex"1901")
            mstore(add(p, 0x02), ds)
            mstore(add(p, 0x22), structHash)
            id := keccak256(p, 0x42)
        }
        if (dirty) revert InvalidChannel();
    }

    function _voucherStructHash(bytes32 channelId, uint128 maxClaimableAmount) private pure returns (bytes32 h) {
        bytes32 typeHash = VOUCHER_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            mstore(add(p, 0x20), channelId)
            mstore(add(p, 0x40), maxClaimableAmount)
            h := keccak256(p, 0x60)
        }
    }

    function _refundStructHash(bytes32 channelId, uint256 nonce, uint128 amount) private pure returns (bytes32 h) {
        bytes32 typeHash = REFUND_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            mstore(add(p, 0x20), channelId)
            mstore(add(p, 0x40), nonce)
            mstore(add(p, 0x60), amount)
            h := keccak256(p, 0x80)
        }
    }

    function _claimEntryHash(bytes32 channelId, uint128 maxClaimableAmount, uint128 totalClaimed)
        private
        pure
        returns (bytes32 h)
    {
        bytes32 typeHash = CLAIM_ENTRY_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            mstore(add(p, 0x20), channelId)
            mstore(add(p, 0x40), maxClaimableAmount)
            mstore(add(p, 0x60), totalClaimed)
            h := keccak256(p, 0x80)
        }
    }
}
