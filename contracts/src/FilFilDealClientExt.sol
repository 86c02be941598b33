// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Fil, FilAddress} from "./lib/FilecoinTypes.sol";
import {FilecoinActors} from "./lib/FilecoinActors.sol";
import {DealCodec, ProposalView} from "./lib/DealCodec.sol";
import {FilFilStorage, FilFilExtension} from "./FilFilStorage.sol";

/// @title Registry, slot publication and round-robin part of FilFilDealClient.
/// @notice Only ever runs through FilFilDealClient's DELEGATECALL, on the client's storage; calling this contract
///         directly reverts. Deployed on its own and handed to the client's constructor (the client's init code
///         would otherwise carry this contract's too, over the EIP-3860 init code limit).
contract FilFilDealClientExt is FilFilExtension {
    /// @notice Stages a snapshot: its pieces (CIDv1 bytes, padded size, CAR size) under its chain height, then
    ///         assigns windows, starting now, to the next R providers of the round.
    function publishSlot(uint64 slot, PieceInput[] calldata pieces) external onlyDelegated onlyOwner whenNotPaused {
        Slot storage s = _slots[slot];
        if (s.exists) revert SlotExists(slot);
        if (pieces.length == 0) revert NoPieces();
        if (pieces.length > MAX_PIECES) revert TooManyPieces();
        uint64 total;
        for (uint32 i = 0; i < pieces.length; i++) {
            PieceInput calldata pi = pieces[i];
            if (pi.pieceCid.length != 39 || bytes7(pi.pieceCid[0:7]) != PIECE_CID_PREFIX) revert InvalidPieceCid(i);
            uint64 sz = pi.paddedSize;
            // a padded piece size is a power of two of at least 128 bytes; 64 GiB is the largest sector
            if (sz < 128 || sz & (sz - 1) != 0 || sz > 64 << 30) revert InvalidPieceSize(i);
            // the CAR (unpadded payload) must fit the piece (127/128 after fr32) and not fit the next smaller one
            if (pi.carSize == 0 || pi.carSize > (sz / 128) * 127 || pi.carSize <= (sz / 256) * 127 && sz > 128) {
                revert InvalidCarSize(i);
            }
            bytes32 key = keccak256(pi.pieceCid);
            if (_pieceRef[key] != 0) revert PieceAlreadyStaged(i);
            _pieceRef[key] = ((uint256(slot) << 32) | i) + 1;
            _pieces[slot].push(
                Piece({
                    pieceCid: pi.pieceCid,
                    labelHash: DealCodec.labelHash(pi.pieceCid),
                    paddedSize: sz,
                    carSize: pi.carSize
                })
            );
            total += sz;
            emit PieceStaged(slot, i, pi.pieceCid, sz, pi.carSize);
        }
        s.exists = true;
        s.pieceCount = uint32(pieces.length);
        s.publishedAt = uint64(block.number);
        s.lifetimeEnd = uint64(block.number) + _params.slotLifetime;
        s.totalSize = total;
        if (!s.listed) {
            s.listed = true;
            _slotList.push(slot);
        }
        emit SlotPublished(slot, uint32(pieces.length), total, s.lifetimeEnd);
        uint256 assigned = _pick(slot, _params.replicas, new uint64[](0), 0);
        emit SlotOffered(slot, _params.replicas, assigned);
    }

    /// @notice Registers miner `minerId`; the caller must be its owner, worker or a control address
    ///         (miner IsControllingAddress). Joins the round after the current one.
    function register(uint64 minerId, string calldata retrievalUrl) external payable onlyDelegated whenNotPaused nonReentrant {
        Params storage prm = _params;
        if (minerId < 100) revert InvalidMinerId(minerId);
        Provider storage p = _providers[minerId];
        if (p.status != P_NONE) revert AlreadyRegistered(minerId);
        if (block.number < p.coolDownUntil) revert CoolingDown(p.coolDownUntil);
        if (msg.value < prm.minCollateral) revert InsufficientCollateral(msg.value, prm.minCollateral);
        if (activeProviders >= prm.maxProviders) revert ProviderCapReached(prm.maxProviders);
        _checkUrl(bytes(retrievalUrl), true);
        _requireControl(minerId);
        // an EVM contract at an ID address can answer IsControllingAddress too: require a power claim (F7)
        if (!FilecoinActors.isMiner(minerId)) revert NotAMiner(minerId);
        p.missLimit = prm.missLimit; // slash terms fixed for this registration (F14)
        p.slashBps = prm.slashBps;

        p.controller = msg.sender;
        p.status = P_ACTIVE; // misses survive leaving and re-registering (only a miss-limit removal clears them)
        p.collateral = msg.value;
        p.retrievalUrl = retrievalUrl;
        _roster.push(minerId);
        p.rosterIndex = uint32(_roster.length);
        activeProviders += 1;
        collateralHeld += msg.value;
        totalCollateralIn += msg.value;
        emit ProviderRegistered(minerId, msg.sender, msg.value, round + 1, retrievalUrl);
    }

    function _requireControl(uint64 minerId) internal {
        (int256 exit, bool controlling) = FilecoinActors.isControllingAddress(minerId, msg.sender);
        if (exit != 0 || !controlling) revert NotMinerController(minerId, msg.sender);
    }

    /// @notice The miner's current owner takes the registration over from the controller that made it (a worker
    ///         or control key): rewards and collateral go to the new controller from now on (F8).
    function takeOver(uint64 minerId) external onlyDelegated {
        Provider storage p = _providers[minerId];
        if (p.status == P_NONE) revert NotRegistered(minerId);
        if (!FilecoinActors.isOwner(minerId, msg.sender)) revert NotMinerOwner(minerId, msg.sender);
        p.controller = msg.sender;
        emit ControllerChanged(minerId, msg.sender);
    }

    function setRetrievalUrl(uint64 provider, string calldata retrievalUrl) external onlyDelegated onlyController(provider) {
        _checkUrl(bytes(retrievalUrl), true);
        _providers[provider].retrievalUrl = retrievalUrl;
        emit RetrievalUrlSet(provider, retrievalUrl);
    }

    /// @notice Leaves the roster: no new windows; windows already assigned stay valid. Collateral can be
    ///         withdrawn once the last assigned window has closed.
    function unregister(uint64 provider) external onlyDelegated onlyController(provider) {
        Provider storage p = _providers[provider];
        if (p.status != P_ACTIVE) revert NotRegistered(provider);
        p.status = P_LEAVING;
        _leaveRoster(p);
        emit ProviderUnregistered(provider, p.windowLast);
    }

    function withdrawCollateral(uint64 provider) external onlyDelegated onlyController(provider) nonReentrant {
        Provider storage p = _providers[provider];
        if (p.status != P_LEAVING && p.status != P_REMOVED) revert NotRegistered(provider);
        if (block.number <= p.windowLast) revert WindowNotClosed(p.windowLast);
        _requireControl(provider); // a key the miner has since dropped cannot take the collateral (F8)
        // every window has closed: record its misses first (and the miss-limit slash they may bring)
        _settleClosed(provider);
        p.windowAssignment = 0;
        // F9: collateral backs the provider's deals until the last one ends (a termination slashes it)
        if (block.number < p.lastDealEnd) revert CollateralLocked(p.lastDealEnd);
        uint256 amount = p.collateral;
        p.collateral = 0;
        p.status = P_NONE;
        collateralHeld -= amount;
        totalCollateralOut += amount;
        emit CollateralWithdrawn(provider, msg.sender, amount);
        _send(payable(msg.sender), amount);
    }

    /// @notice Re-offers a slot whose replicas fell below R: windows missed, deals terminated, or deals ending
    ///         within renewLead before the slot's lifetime is reached (renewal). Anyone may call it.
    function offer(uint64 slot) external onlyDelegated whenNotPaused returns (uint256 assigned) {
        Slot storage s = _slots[slot];
        if (!s.exists) revert UnknownSlot(slot);
        if (block.number >= s.lifetimeEnd) revert SlotRetired(slot);
        (uint256 live, uint64[] memory holders) = _pruneLive(slot, s);
        uint256 r = _params.replicas;
        if (live >= r) revert NothingToOffer(slot);
        assigned = _pick(slot, r - live, holders, live);
        if (assigned == 0) revert NoEligibleProvider(slot);
        emit SlotOffered(slot, r - live, assigned);
    }

    /// @notice Records a miss for an assignment whose window closed without all its deals. Anyone may call it.
    ///         Not while paused; a window that overlapped a pause is voided instead of missed.
    function settle(uint256 assignment) external onlyDelegated whenNotPaused {
        Assignment storage a = _assignments[assignment];
        if (a.status != A_OPEN || block.number <= a.last) revert NothingToSettle(assignment);
        _close(assignment);
    }

    /// @notice Withdraws a publication that has no deal yet (a reorg, a wrong commP): unstages its pieces, voids
    ///         its open windows (no misses, budgets back to the pool) and lets the height be published again.
    function retractSlot(uint64 slot) external onlyDelegated onlyOwner {
        Slot storage s = _slots[slot];
        if (!s.exists) revert UnknownSlot(slot);
        if (s.deals != 0) revert SlotHasDeals(slot);
        Piece[] storage ps = _pieces[slot];
        for (uint256 i = 0; i < ps.length; i++) {
            delete _pieceRef[keccak256(ps[i].pieceCid)];
        }
        delete _pieces[slot];
        uint256[] storage live = _liveAssignments[slot];
        for (uint256 i = 0; i < live.length; i++) {
            if (_assignments[live[i]].status == A_OPEN) _void(live[i]);
        }
        delete _liveAssignments[slot];
        delete _slots[slot];
        s.listed = true;
        emit SlotRetracted(slot);
    }



    /// @dev Walks the round from the cursor and assigns windows to up to `needed` distinct active providers that
    ///      do not already hold a live replica of the slot. A provider skipped for that reason swaps places with
    ///      the next eligible one, so it keeps its turn in this round. At the end of a round the next one starts.
    function _pick(uint64 slot, uint256 needed, uint64[] memory exclude, uint256 nExclude)
        internal
        returns (uint256 n)
    {
        uint64[] memory picked = new uint64[](needed);
        bool rolled;
        while (n < needed) {
            if (roundCursor >= _roundOrder.length) {
                if (rolled) break;
                _roll(picked, n, exclude, nExclude);
                rolled = true;
                continue;
            }
            uint64 c = _roundOrder[roundCursor];
            _settleClosed(c);
            if (_providers[c].status != P_ACTIVE) {
                roundCursor++; // left or removed: the turn lapses
                continue;
            }
            if (_contains(picked, n, c) || _contains(exclude, nExclude, c)) {
                uint256 j = _findEligible(roundCursor + 1, picked, n, exclude, nExclude);
                if (j == type(uint256).max) {
                    if (rolled) break;
                    // nobody else left in this round: start the next; the holders skipped here keep their turn
                    _roll(picked, n, exclude, nExclude);
                    rolled = true;
                    continue;
                }
                // swap: the eligible provider comes to the cursor, the skipped one keeps a later place this round
                _roundOrder[roundCursor] = _roundOrder[j];
                _roundOrder[j] = c;
                continue; // re-evaluate the provider now at the cursor
            }
            if (!_assignWindow(slot, c)) break; // the pool cannot pay another replica: no window without a budget
            roundCursor++;
            picked[n++] = c;
        }
    }

    function _findEligible(
        uint256 from,
        uint64[] memory picked,
        uint256 n,
        uint64[] memory exclude,
        uint256 nExclude
    ) internal view returns (uint256) {
        uint256 len = _roundOrder.length;
        for (uint256 j = from; j < len; j++) {
            uint64 c = _roundOrder[j];
            if (_providers[c].status == P_ACTIVE && !_contains(picked, n, c) && !_contains(exclude, nExclude, c)) {
                return j;
            }
        }
        return type(uint256).max;
    }

    /// @dev Starts the next round: first the providers of the old round that were skipped for holding the slot
    ///      and never served (F15: they keep their turn), then the roster (the active providers) in order, then
    ///      the providers already picked for, or holding, the slot being offered. The roster never holds more
    ///      than maxProviders.
    function _roll(uint64[] memory picked, uint256 n, uint64[] memory exclude, uint256 nExclude) internal {
        uint256 oldLen = _roundOrder.length;
        uint64[] memory owed = new uint64[](nExclude);
        uint256 no;
        for (uint256 i = roundCursor; i < oldLen && no < nExclude; i++) {
            uint64 id = _roundOrder[i];
            if (_providers[id].status == P_ACTIVE && !_contains(picked, n, id) && _contains(exclude, nExclude, id)) {
                owed[no++] = id;
            }
        }
        uint256 k;
        for (; k < no; k++) {
            _put(k, owed[k]);
        }
        uint256 w = _roster.length;
        for (uint256 pass = 0; pass < 2; pass++) {
            for (uint256 i = 0; i < w; i++) {
                uint64 id = _roster[i];
                bool back = _contains(picked, n, id) || _contains(exclude, nExclude, id);
                if (back == (pass == 1) && !(back && _contains(owed, no, id))) _put(k++, id);
            }
        }
        for (uint256 i = _roundOrder.length; i > k; i--) {
            _roundOrder.pop();
        }
        roundCursor = 0;
        round += 1;
        emit RoundStarted(round, k);
    }

    function _put(uint256 k, uint64 id) internal {
        if (k < _roundOrder.length) _roundOrder[k] = id;
        else _roundOrder.push(id);
    }

    /// @dev Assigns a window if the free pool can reserve the replica's whole reward (its budget): the longest
    ///      deal the replica can take, for the whole slot. Returns false (and assigns nothing) otherwise.
    function _assignWindow(uint64 slot, uint64 provider) internal returns (bool) {
        Provider storage p = _providers[provider];
        Params storage prm = _params;
        uint64 nowE = uint64(block.number);
        // windows start now, unless the provider still has an open window: then right after it (never overlap)
        uint64 first = p.windowLast >= nowE && p.windowAssignment != 0 ? p.windowLast + 1 : nowE;
        uint64 last = first + prm.windowLength - 1;
        uint64 maxDuration = uint64(_dealDuration(_slots[slot].lifetimeEnd, int64(first)));
        uint256 budget = prm.rewardPerSnapshot * maxDuration / prm.term;
        if (budget > rewardPool) return false;
        rewardPool -= budget;
        reservedRewards += budget;
        windowReserved += budget;
        uint256 aid = ++assignmentCount;
        _assignments[aid] = Assignment({
            provider: provider,
            slot: slot,
            first: first,
            last: last,
            coverEnd: 0,
            piecesDone: 0,
            status: A_OPEN,
            maxDuration: maxDuration,
            budget: uint128(budget),
            reserve: uint128(budget)
        });
        _openOf[provider].push(aid);
        p.windowFirst = first;
        p.windowLast = last;
        p.windowAssignment = aid;
        latestAssignment[slot][provider] = aid;
        _slotAssignments[slot].push(aid);
        _liveAssignments[slot].push(aid);
        emit WindowAssigned(slot, provider, aid, first, last);
        return true;
    }

    /// @dev Closes every window of the provider that ended without all its deals (a miss, or void if it
    ///      overlapped a pause) and drops closed ones from its open list, which so holds only current windows.
    function _settleClosed(uint64 provider) internal {
        uint256[] storage open = _openOf[provider];
        uint256 len = open.length;
        uint256 w;
        for (uint256 i = 0; i < len; i++) {
            uint256 aid = open[i];
            Assignment storage a = _assignments[aid];
            if (a.status != A_OPEN) continue;
            if (block.number > a.last) {
                _close(aid);
                continue;
            }
            if (w != i) open[w] = aid;
            w++;
        }
        for (uint256 i = len; i > w; i--) {
            open.pop();
        }
    }

    /// @dev Whether [first, last] overlaps a pause (the contract refused every deal in part of the window).
    function _overlapsPause(uint64 first, uint64 last) internal view returns (bool) {
        uint256 i = _pauseStarts.length;
        while (i > 0) {
            i--;
            uint64 end = i < _pauseEnds.length ? _pauseEnds[i] : type(uint64).max;
            if (end < first) return false; // pauses are ordered: every earlier one ended earlier still
            if (_pauseStarts[i] <= last) return true;
        }
        return false;
    }

    function _void(uint256 aid) internal {
        Assignment storage a = _assignments[aid];
        a.status = A_VOID;
        _release(a);
        emit WindowVoided(a.slot, a.provider, aid);
    }

    /// @dev A window closed without all its deals: void if the contract refused deals during it, else a miss.
    function _close(uint256 aid) internal {
        Assignment storage a = _assignments[aid];
        if (_overlapsPause(a.first, a.last)) return _void(aid);
        a.status = A_MISSED;
        _release(a);
        Provider storage p = _providers[a.provider];
        p.misses += 1;
        emit WindowMissed(a.slot, a.provider, aid, p.misses);
        if ((p.status == P_ACTIVE || p.status == P_LEAVING) && p.misses >= p.missLimit) {
            _deregister(a.provider, R_MISSED_WINDOWS, p.slashBps);
        }
    }

    /// @dev Drops missed, failed and expiring replicas from the slot's live list; returns the rest and their
    ///      providers. A replica counts while its window is open or its deals cover past now + renewLead (or to
    ///      the end of the slot's lifetime).
    function _pruneLive(uint64 slot, Slot storage s) internal returns (uint256 w, uint64[] memory holders) {
        uint256[] storage live = _liveAssignments[slot];
        uint256 len = live.length;
        holders = new uint64[](len);
        uint64 horizon = uint64(block.number) + _params.renewLead;
        for (uint256 i = 0; i < len; i++) {
            uint256 aid = live[i];
            Assignment storage a = _assignments[aid];
            bool keep;
            if (a.status == A_OPEN) {
                if (block.number > a.last) {
                    _close(aid);
                } else if (_providers[a.provider].status == P_REMOVED) {
                    a.status = A_FAILED;
                    _release(a);
                    emit ReplicaFailed(slot, a.provider, aid);
                } else {
                    keep = true;
                }
            } else if (a.status == A_FULFILLED) {
                keep = a.coverEnd >= s.lifetimeEnd || a.coverEnd > horizon;
            }
            if (keep) {
                if (w != i) live[w] = aid;
                holders[w] = a.provider;
                w++;
            }
        }
        for (uint256 i = len; i > w; i--) {
            live.pop();
        }
    }

    function _contains(uint64[] memory arr, uint256 n, uint64 v) internal pure returns (bool) {
        for (uint256 i = 0; i < n; i++) {
            if (arr[i] == v) return true;
        }
        return false;
    }

    function transferOwnership(address newOwner) external onlyDelegated onlyOwner {
        pendingOwner = newOwner; // address(0) cancels a pending transfer
        emit OwnershipTransferStarted(owner, newOwner);
    }

    function acceptOwnership() external onlyDelegated {
        if (msg.sender != pendingOwner || msg.sender == address(0)) revert NotPendingOwner();
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }
}
