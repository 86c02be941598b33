// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Fil, FilAddress} from "./lib/FilecoinTypes.sol";
import {FilecoinActors} from "./lib/FilecoinActors.sol";
import {DealCodec, ProposalView} from "./lib/DealCodec.sol";
import {FilFilStorage} from "./FilFilStorage.sol";

/// @title FilFil deal client: an incentivized overlay on the Filecoin storage market for chain snapshots.
/// @notice Storage providers register a miner with collateral and are elected round-robin into short windows.
///         The operator publishes each snapshot ("slot", keyed by chain height) as staged pieces; in its window an
///         assigned provider takes a Boost contract deal for each piece (DealProposalCreate → getDealProposal /
///         getExtraParams → PublishStorageDeals → AuthenticateMessage → MarketNotifyDeal). Rewards from the
///         contract's pool vest linearly over each deal's term and are pulled with claim().
///         See docs/contracts.md for the design, parameters and byte formats.
contract FilFilDealClient is FilFilStorage {
    /// @notice Holds the registry / publication / round-robin code; runs on this contract's storage.
    address public immutable extension;

    /// @notice Holds poke / claim (market checks, terminations, bounties); runs on this contract's storage.
    address public immutable rewardsExtension;

    function _delegate() private {
        _delegate(extension);
    }

    function _delegate(address e) private {
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), e, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    // ---- implemented in FilFilDealClientExt (see there for the documentation)

    /// @notice New parameters apply to future registrations, windows, proposals and deals.
    function setParams(Params calldata) external {
        _delegate(rewardsExtension);
    }

    /// @notice Stages a snapshot's pieces under its chain height and assigns windows to the next R providers.
    function publishSlot(uint64, PieceInput[] calldata) external {
        _delegate();
    }

    /// @notice Registers a miner (caller must be its owner, worker or control address) with collateral.
    function register(uint64, string calldata) external payable {
        _delegate();
    }

    function setRetrievalUrl(uint64, string calldata) external {
        _delegate();
    }

    /// @notice Leaves the roster; assigned windows stay valid; collateral after the last one closes.
    function unregister(uint64) external {
        _delegate();
    }

    function withdrawCollateral(uint64) external {
        _delegate();
    }

    /// @notice Re-offers a slot below R live replicas (missed windows, terminated deals, renewal). Anyone.
    function offer(uint64) external returns (uint256) {
        _delegate();
    }

    /// @notice Two-step ownership transfer: the new owner must accept.
    function transferOwnership(address) external {
        _delegate();
    }

    function acceptOwnership() external {
        _delegate();
    }

    function withdrawRewardPool(address payable, uint256) external {
        _delegate(rewardsExtension);
    }

    /// @notice Moves free pool funds into this contract's market escrow (market AddBalance for our f410).
    function fundMarketEscrow(uint256) external {
        _delegate(rewardsExtension);
    }

    /// @notice Records a miss for an assignment whose window closed without all its deals. Anyone.
    function settle(uint256) external {
        _delegate();
    }

    /// @notice Withdraws a publication without deals (owner); its height can then be published again.
    function retractSlot(uint64) external {
        _delegate();
    }

    /// @notice The miner's owner takes a registration over from the key that made it.
    function takeOver(uint64) external {
        _delegate();
    }

    /// @notice Moves FIL that arrived without receive() into the reward pool (owner).
    function sweepExcess() external returns (uint256) {
        _delegate(rewardsExtension);
    }

    /// @notice Stops new business; windows that overlap a pause are voided, never missed.
    function pause() external {
        _delegate(rewardsExtension);
    }

    function unpause() external {
        _delegate(rewardsExtension);
    }

    /// @param ext a deployed FilFilDealClientExt, `rewardsExt` a deployed FilFilRewardsExt (they hold no state;
    ///        this contract runs their code on its own storage)
    constructor(address initialOwner, Params memory params, address ext, address rewardsExt) {
        if (initialOwner == address(0) || ext.code.length == 0 || rewardsExt.code.length == 0) revert ZeroAddress();
        _validate(params);
        owner = initialOwner;
        extension = ext;
        rewardsExtension = rewardsExt;
        _params = params;
        emit OwnershipTransferred(address(0), initialOwner);
        emit ParamsUpdated(params);
    }

    // ------------------------------------------------------------------------------------------------ operator




    function getParams() external view returns (Params memory) {
        return _params;
    }

    /// @notice Anyone may add to the reward pool.
    function fundRewards() public payable {
        rewardPool += msg.value;
        totalFunded += msg.value;
        emit RewardsFunded(msg.sender, msg.value);
    }

    receive() external payable {
        fundRewards();
    }



    // ------------------------------------------------------------------------------------------------ providers

    /// @notice O(1): the provider's latest assigned window (the furthest in the future), inclusive epochs.
    ///         (0, 0) if it never had one.
    function windowOf(uint64 provider) external view returns (uint64 first, uint64 last) {
        Provider storage p = _providers[provider];
        return (p.windowFirst, p.windowLast);
    }

    // ------------------------------------------------------------------------------------------------ round robin

    // ------------------------------------------------------------------------------------------------ proposals

    /// @notice Creates a Boost contract-deal proposal for one staged piece while one of the slot's windows is
    ///         open. Anyone may call it (e.g. the provider's own bot, with its own locationRef). Only providers
    ///         assigned to the slot and inside their window pass AuthenticateMessage.
    function proposeDeal(uint64 slot, uint32 pieceIndex, string calldata locationRef, uint64 carSize)
        external
        whenNotPaused
        returns (bytes32 id)
    {
        Slot storage s = _slots[slot];
        if (!s.exists) revert UnknownSlot(slot);
        if (pieceIndex >= s.pieceCount) revert UnknownPieceIndex(slot, pieceIndex);
        Piece storage pc = _pieces[slot][pieceIndex];
        if (carSize != pc.carSize) revert CarSizeMismatch(pc.carSize, carSize);
        _checkLocation(bytes(locationRef));

        int64 start = int64(uint64(block.number) + _params.startDelay);
        int64 end = start + _dealDuration(s.lifetimeEnd, start);
        id = keccak256(abi.encode(block.chainid, address(this), slot, pieceIndex, locationRef, start));
        Proposal storage pr = _proposals[id];
        if (pr.end != 0) revert ProposalExists(id);
        pr.slot = slot;
        pr.pieceIndex = pieceIndex;
        pr.start = start;
        pr.end = end;
        pr.carSize = carSize;
        pr.locationRef = locationRef;
        pr.provider = _proposerProvider(slot);
        _offeredEnd[keccak256(abi.encode(keccak256(pc.pieceCid), start, pr.provider))] = end;
        proposalCount += 1;
        emit DealProposalCreate(id, pc.paddedSize, _params.verifiedDeals, _params.pricePerEpoch);
        emit ProposalCreated(id, slot, pieceIndex, start, end, locationRef);
    }

    /// @notice CBOR DealProposal for Boost (selector 0xf4b2e4d8). Provider is a placeholder f00 that Boost
    ///         replaces with its own miner address; client is this contract's f410 address.
    function getDealProposal(bytes32 proposalId) external view returns (bytes memory) {
        Proposal storage pr = _proposals[proposalId];
        if (pr.end == 0) revert UnknownProposal(proposalId);
        Piece storage pc = _pieces[pr.slot][pr.pieceIndex];
        return DealCodec.proposalBytes(
            pc.pieceCid,
            pc.paddedSize,
            _params.verifiedDeals,
            address(this),
            pr.start,
            pr.end,
            _params.pricePerEpoch,
            providerCollateralFor(pc.paddedSize)
        );
    }

    /// @notice CBOR ExtraParamsV1 for Boost (selector 0x4634aed5): [location_ref, car_size, skip_ipni_announce,
    ///         remove_unsealed_copy]. IPNI announcements stay on and an unsealed copy is kept, for retrieval.
    function getExtraParams(bytes32 proposalId) external view returns (bytes memory) {
        Proposal storage pr = _proposals[proposalId];
        if (pr.end == 0) revert UnknownProposal(proposalId);
        return DealCodec.extraParamsBytes(pr.locationRef, pr.carSize);
    }

    function providerCollateralFor(uint64 paddedSize) public view returns (uint256) {
        return (uint256(paddedSize) * _params.providerCollateralPerGiB + (1 << 30) - 1) >> 30;
    }


    /// @dev Boost fetches the CAR from it and pastes it into JSON: printable, no quotes, plain http(s) only (F11).
    function _checkLocation(bytes memory u) internal pure {
        _checkUrl(u, false);
        if (u.length < 8 || (bytes7(u) != "http://" && bytes8(u) != "https://")) revert InvalidUrl();
    }

    /// @dev F11: only the controller of a provider whose window on the slot is open (the proposal is then bound
    ///      to that provider), or the operator (any assigned provider, returns 0), may propose.
    function _proposerProvider(uint64 slot) internal view returns (uint64) {
        uint256[] storage live = _liveAssignments[slot];
        bool open;
        for (uint256 i = 0; i < live.length; i++) {
            Assignment storage a = _assignments[live[i]];
            Provider storage p = _providers[a.provider];
            if (a.status == A_OPEN && block.number >= a.first && block.number <= a.last && p.status != P_REMOVED) {
                if (p.controller == msg.sender) return a.provider;
                open = true;
            }
        }
        if (!open) revert NoOpenWindow(slot);
        if (msg.sender != owner) revert NotProposer(msg.sender);
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ actor hooks

    /// @notice Entry point for native Filecoin methods (the EVM actor routes methods > 1023 here).
    function handle_filecoin_method(uint64 method, uint64 codec, bytes calldata params)
        external
        returns (uint32 exitCode, uint64 retCodec, bytes memory ret)
    {
        if (method == Fil.AUTHENTICATE_MESSAGE_METHOD) {
            if (msg.sender != Fil.MARKET_ACTOR) revert NotMarketActor(msg.sender);
            if (codec != Fil.CODEC_CBOR) revert UnsupportedCodec(codec);
            authenticate(params);
            return (0, Fil.CODEC_CBOR, hex"f5"); // CBOR true
        } else if (method == Fil.MARKET_NOTIFY_DEAL_METHOD) {
            if (msg.sender != Fil.MARKET_ACTOR) revert NotMarketActor(msg.sender);
            if (codec != Fil.CODEC_CBOR) revert UnsupportedCodec(codec);
            _notify(params);
            return (0, Fil.CODEC_NONE, "");
        } else if (method == Fil.DATACAP_RECEIVER_HOOK_METHOD) {
            if (msg.sender != Fil.DATACAP_ACTOR) revert NotDataCapActor(msg.sender);
            if (codec != Fil.CODEC_CBOR) revert UnsupportedCodec(codec);
            (uint64 from,, uint64 operator, uint256 amount) = DealCodec.parseDataCap(params);
            dataCapReceived += amount;
            emit DataCapReceived(from, operator, amount);
            return (0, Fil.CODEC_NONE, "");
        }
        revert UnsupportedMethod(method);
    }

    /// @notice The AuthenticateMessage rules, as a view (the market calls it READ_ONLY). Reverts with the first
    ///         rule the proposal breaks; returns normally when the deal may be published. `params` is the CBOR
    ///         AuthenticateMessageParams [signature, message]; message is the CBOR DealProposal.
    function authenticate(bytes calldata params) public view {
        if (paused) revert IsPaused();
        ProposalView memory p = DealCodec.parseAuthenticate(params);

        if (p.clientHash != keccak256(FilAddress.fromEth(address(this)))) revert WrongClient();

        uint256 ref = _pieceRef[p.pieceCidHash];
        if (ref == 0) revert UnknownPiece();
        uint64 slot = uint64((ref - 1) >> 32);
        uint32 idx = uint32(ref - 1);
        Piece storage pc = _pieces[slot][idx];
        if (p.pieceSize != pc.paddedSize) revert PieceSizeMismatch(pc.paddedSize, p.pieceSize);

        if (!p.providerIsId) revert ProviderNotIdAddress();
        uint64 provider = p.provider;
        uint8 st = _providers[provider].status;
        if (st != P_ACTIVE && st != P_LEAVING) revert ProviderNotRegistered(provider);
        uint256 aid = latestAssignment[slot][provider];
        if (aid == 0) revert ProviderNotAssigned(provider, slot);
        if (_replicaDeal[aid][idx] != 0) revert PieceAlreadyDealt(provider, slot, idx);
        Assignment storage a = _assignments[aid];
        if (a.status != A_OPEN || block.number < a.first || block.number > a.last) {
            revert OutsideWindow(a.first, a.last, block.number);
        }

        _checkTerms(p, _slots[slot]);
        if (!p.labelIsText || p.labelHash != pc.labelHash) revert LabelMismatch();
        // the deal must be one this contract offered (start and end of a proposeDeal) with its collateral
        if (
            _offeredEnd[keccak256(abi.encode(p.pieceCidHash, p.startEpoch, provider))] != p.endEpoch
                && _offeredEnd[keccak256(abi.encode(p.pieceCidHash, p.startEpoch, uint64(0)))] != p.endEpoch
        ) revert NotOfferedTerms(p.startEpoch, p.endEpoch);
        uint256 coll = providerCollateralFor(pc.paddedSize);
        if (p.providerCollateral != coll) revert ProviderCollateralMismatch(p.providerCollateral, coll);
        // the reward is paid from the budget reserved when the window was assigned: no pool check (F12)
    }

    function _checkTerms(ProposalView memory p, Slot storage s) internal view {
        Params storage prm = _params;
        if (p.verified != prm.verifiedDeals) revert VerifiedMismatch();
        if (p.price > prm.pricePerEpoch) revert PriceTooHigh(p.price, prm.pricePerEpoch);
        if (p.clientCollateral != 0) revert ClientCollateralTooHigh(p.clientCollateral);
        int64 nowE = int64(uint64(block.number));
        if (p.startEpoch < nowE || p.startEpoch > nowE + int64(prm.startDelay + prm.windowLength)) {
            revert StartEpochOutOfRange(p.startEpoch);
        }
        int64 d = p.endEpoch - p.startEpoch;
        if (d < Fil.MIN_DEAL_DURATION || d > int64(prm.term)) revert DurationOutOfRange(d);
        int64 maxEnd = int64(s.lifetimeEnd);
        if (maxEnd < p.startEpoch + Fil.MIN_DEAL_DURATION) maxEnd = p.startEpoch + Fil.MIN_DEAL_DURATION;
        if (p.endEpoch > maxEnd) revert EndBeyondLifetime(p.endEpoch);
    }

    /// @notice The replica's budget × (piece share of the snapshot's padded size) × (duration / the longest
    ///         duration the window allowed). The rewards of all of a replica's pieces never exceed its budget.
    function _dealReward(Assignment storage a, uint64 slot, uint64 pieceSize, int64 duration)
        internal
        view
        returns (uint256)
    {
        uint256 maxD = a.maxDuration;
        uint256 d = duration < 0 ? 0 : uint256(uint64(duration)); // F13: an inverted pair earns nothing
        if (d > maxD) d = maxD;
        return uint256(a.budget) * pieceSize * d / (uint256(_slots[slot].totalSize) * maxD);
    }

    /// @dev MarketNotifyDeal. A revert here fails the provider's whole PublishStorageDeals message (every deal in
    ///      it), so anything unexpected is recorded as DealIgnored instead; only malformed CBOR reverts.
    function _notify(bytes calldata params) internal {
        (ProposalView memory p, uint64 dealId) = DealCodec.parseNotify(params);
        if (_deals[dealId].state != 0) {
            emit DealIgnored(dealId, IGNORE_DUPLICATE);
            return;
        }
        uint256 ref = _pieceRef[p.pieceCidHash];
        if (ref == 0) {
            emit DealIgnored(dealId, IGNORE_UNKNOWN_PIECE);
            return;
        }
        if (!p.providerIsId) {
            emit DealIgnored(dealId, IGNORE_BAD_PROVIDER);
            return;
        }
        uint64 slot = uint64((ref - 1) >> 32);
        uint32 idx = uint32(ref - 1);
        uint256 aid = latestAssignment[slot][p.provider];
        Assignment storage a = _assignments[aid];
        // a second deal for the same replica-piece in one batch (each passed AuthenticateMessage alone): the
        // provider made the duplicate and can fix its batch; accepting it would pay it from our escrow (F6)
        if (aid != 0 && _replicaDeal[aid][idx] != 0) revert PieceAlreadyDealt(p.provider, slot, idx);
        if (aid == 0 || a.status != A_OPEN) {
            emit DealIgnored(dealId, IGNORE_NOT_ASSIGNED);
            return;
        }
        _record(dealId, p, slot, idx, aid, a);
    }

    function _record(uint64 dealId, ProposalView memory p, uint64 slot, uint32 idx, uint256 aid, Assignment storage a)
        internal
    {
        uint256 reward = _dealReward(a, slot, _pieces[slot][idx].paddedSize, p.endEpoch - p.startEpoch);
        if (reward > a.reserve) reward = a.reserve; // already reserved: moves from the window to the deal
        a.reserve -= uint128(reward);
        windowReserved -= reward;
        _slots[slot].deals += 1;
        Provider storage pv = _providers[a.provider];
        if (p.endEpoch > int64(pv.lastDealEnd)) pv.lastDealEnd = uint64(p.endEpoch);
        Deal storage d = _deals[dealId];
        d.provider = a.provider;
        d.slot = slot;
        d.pieceIndex = idx;
        d.state = D_PUBLISHED;
        d.start = p.startEpoch;
        d.end = p.endEpoch;
        d.lastSeenActive = Fil.EPOCH_UNDEFINED;
        d.payee = _providers[a.provider].controller;
        d.assignment = aid;
        d.reward = reward;
        _replicaDeal[aid][idx] = uint256(dealId) + 1;
        emit DealRecorded(slot, a.provider, dealId, idx, p.startEpoch, p.endEpoch, reward);

        uint64 end = uint64(p.endEpoch);
        if (a.piecesDone == 0 || end < a.coverEnd) a.coverEnd = end;
        a.piecesDone += 1;
        if (a.piecesDone == _slots[slot].pieceCount) {
            a.status = A_FULFILLED;
            _release(a);
            _providers[a.provider].misses = 0;
            emit ReplicaFulfilled(slot, a.provider, aid, a.coverEnd);
        }
    }

    // ------------------------------------------------------------------------------------------------ rewards

    /// @notice Asks the market about a deal and applies the answer. Anyone; see FilFilRewardsExt.
    function poke(uint64) external returns (uint8) {
        _delegate(rewardsExtension);
    }

    /// @notice Pays the deal's vested, unclaimed reward to the provider's controller.
    function claim(uint64) external returns (uint256) {
        _delegate(rewardsExtension);
    }








    // ------------------------------------------------------------------------------------------------ index

    /// @notice Reward vested so far, as of the last time the market reported the deal active.
    function vested(uint64 dealId) external view returns (uint256) {
        return _vested(dealId);
    }

    function providerInfo(uint64 id) external view returns (Provider memory) {
        return _providers[id];
    }

    function slotInfo(uint64 height) external view returns (Slot memory) {
        return _slots[height];
    }

    function pieceInfo(uint64 height, uint32 index) external view returns (Piece memory) {
        return _pieces[height][index];
    }

    function slotCount() external view returns (uint256) {
        return _slotList.length;
    }

    function slotAt(uint256 i) external view returns (uint64) {
        return _slotList[i];
    }

    function assignmentInfo(uint256 id) external view returns (Assignment memory) {
        return _assignments[id];
    }

    function dealInfo(uint64 dealId) external view returns (Deal memory) {
        return _deals[dealId];
    }

    function proposalInfo(bytes32 id) external view returns (Proposal memory) {
        return _proposals[id];
    }

    function roundOrder() external view returns (uint64[] memory) {
        return _roundOrder;
    }

    function roster() external view returns (uint64[] memory) {
        return _roster;
    }

    /// @notice Whether the slot has R live replicas now (open windows count as live).
    function liveAssignments(uint64 height) external view returns (uint256[] memory) {
        return _liveAssignments[height];
    }

    /// @notice The public index: every replica ever assigned for a slot, with provider, window, status,
    ///         retrieval URL and the deal ID per piece (-1 where none).
    function slotReplicas(uint64 height) external view returns (ReplicaView[] memory out) {
        uint256[] storage ids = _slotAssignments[height];
        uint32 pieces = _slots[height].pieceCount;
        out = new ReplicaView[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) {
            Assignment storage a = _assignments[ids[i]];
            ReplicaView memory v = out[i];
            v.assignment = ids[i];
            v.provider = a.provider;
            v.status = a.status;
            v.windowFirst = a.first;
            v.windowLast = a.last;
            v.coverEnd = a.coverEnd;
            v.piecesDone = a.piecesDone;
            v.retrievalUrl = _providers[a.provider].retrievalUrl;
            v.dealIds = new int256[](pieces);
            for (uint32 j = 0; j < pieces; j++) {
                uint256 dd = _replicaDeal[ids[i]][j];
                v.dealIds[j] = dd == 0 ? int256(-1) : int256(dd - 1);
            }
        }
    }
}
