// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Fil} from "./lib/FilecoinTypes.sol";
import {FilecoinActors} from "./lib/FilecoinActors.sol";
import {FilFilStorage, FilFilExtension} from "./FilFilStorage.sol";

/// @title Reward and treasury side of FilFilDealClient: market checks (poke), claims, terminations, keeper
///        bounties; parameters, pause, reward-pool withdrawals and market escrow.
/// @notice Only ever runs through FilFilDealClient's DELEGATECALL, on the client's storage.
contract FilFilRewardsExt is FilFilExtension {
    /// @notice Asks the market about a deal and applies the answer: marks it active, or — if it is no longer
    ///         active before its end (exit 32, a termination epoch, or start passed without activation) —
    ///         forfeits the unvested reward to the pool and deregisters the provider. Anyone may call it.
    ///         Whoever reports a termination that costs the provider its registration (other than the payee)
    ///         receives KEEPER_BOUNTY_BPS of the forfeit, so someone always has a reason to poke.
    function poke(uint64 dealId) external onlyDelegated nonReentrant returns (uint8 state) {
        Deal storage d = _deals[dealId];
        if (d.state == 0) revert UnknownDeal(dealId);
        if (d.state != D_PUBLISHED && d.state != D_ACTIVE) revert DealNotLive(dealId);
        uint256 penalty = _observe(dealId, d);
        if (penalty != 0 && msg.sender != d.payee) {
            uint256 bounty = penalty * KEEPER_BOUNTY_BPS / 10_000;
            rewardPool -= bounty;
            totalBounties += bounty;
            emit KeeperBounty(dealId, msg.sender, bounty);
            _send(payable(msg.sender), bounty);
        }
        return d.state;
    }

    /// @notice Pays the deal's vested, unclaimed reward to the provider's controller. Only that address may call.
    function claim(uint64 dealId) external onlyDelegated nonReentrant returns (uint256 amount) {
        Deal storage d = _deals[dealId];
        if (d.state == 0) revert UnknownDeal(dealId);
        // F8: the provider's current controller (the miner owner can take over), still in control of the miner
        if (msg.sender != _providers[d.provider].controller) revert NotPayee(dealId);
        (int256 ex, bool ctl) = FilecoinActors.isControllingAddress(d.provider, msg.sender);
        if (ex != 0 || !ctl) revert NotMinerController(d.provider, msg.sender);
        if (d.state == D_PUBLISHED || d.state == D_ACTIVE) _observe(dealId, d);
        amount = _vested(dealId) - d.claimed;
        if (amount == 0) revert NothingToClaim(dealId);
        d.claimed += amount;
        reservedRewards -= amount;
        totalClaimed += amount;
        if (d.state == D_ACTIVE && d.lastSeenActive >= d.end && d.claimed + d.forfeited == d.reward) {
            d.state = D_COMPLETED;
        }
        emit RewardClaimed(dealId, msg.sender, amount);
        _send(payable(msg.sender), amount);
    }

    /// @dev Applies the market's answer, and for a deal the market calls active, the miner's (`_checkSector`).
    ///      Current actors answer a terminated (slashed) deal with exit 32 EX_DEAL_EXPIRED, as they do a deal
    ///      cleaned up after its end: exit 0 with a termination epoch does not occur, and is treated as a
    ///      termination. Returns the forfeit when the provider is penalized.
    function _observe(uint64 dealId, Deal storage d) internal returns (uint256) {
        (int256 exit, int64 activated, int64 terminated) = FilecoinActors.getDealActivation(dealId);
        int64 nowE = int64(uint64(block.number));
        if (exit == 0) {
            if (terminated != Fil.EPOCH_UNDEFINED) return _terminate(dealId, d, T_SLASHED, true);
            if (activated != Fil.EPOCH_UNDEFINED) {
                if (d.state == D_PUBLISHED) {
                    d.state = D_ACTIVE;
                    emit DealActivated(dealId, activated);
                }
                return _checkSector(dealId, d, nowE < d.end ? nowE : d.end);
            } else if (nowE > d.start) {
                return _terminate(dealId, d, T_NOT_ACTIVATED, true);
            }
        } else if (exit == Fil.EX_DEAL_EXPIRED) {
            if (nowE < d.end) return _terminate(dealId, d, T_EXPIRED_EARLY, true);
            // after the end the market no longer says whether the deal completed or was terminated: vest only
            // to the last epoch it was seen active (F5); the provider confirms completion by poking near the end
            if (d.state == D_ACTIVE && d.lastSeenActive >= d.end) d.state = D_COMPLETED;
            else _terminate(dealId, d, d.state == D_ACTIVE ? T_ENDED_UNCONFIRMED : T_UNOBSERVED, false);
        } else {
            revert MarketCallFailed(exit);
        }
        return 0;
    }

    /// @dev F5: the market hears of a termination only when the miner processes it (early terminations beyond
    ///      the per-message limit wait for cron) and knows nothing of faults, so a deal the market calls active is
    ///      checked on its miner (FIP-0112). Active: vests to `seen`. Dead before the end: a termination
    ///      (penalized, as exit 32 before the end). Dead after the end and not confirmed to the end: vests only to
    ///      the last epoch seen active. Faulty: vesting freezes, no penalty (the miner charges fault fees and
    ///      terminates a sector faulty too long); when the sector is next seen active, the stretch from the last
    ///      epoch seen active before the fault to then is forfeited.
    function _checkSector(uint64 dealId, Deal storage d, int64 seen) internal returns (uint256) {
        SectorRef storage s = _dealSectors[dealId];
        if (!s.known) {
            (int256 ex, uint64 sector) = FilecoinActors.getDealSector(dealId);
            if (ex != 0) revert MarketCallFailed(ex);
            (s.sector, s.known) = (sector, true);
        }
        (uint8 status, int64 dl, int64 pt) =
            FilecoinActors.sectorStatus(d.provider, s.sector, s.located, s.deadline, s.partition);
        if (!s.located || dl != s.deadline || pt != s.partition) (s.located, s.deadline, s.partition) = (true, dl, pt);
        if (status == Fil.SECTOR_DEAD) {
            if (seen < d.end) return _terminate(dealId, d, T_SECTOR_DEAD, true);
            if (d.lastSeenActive < d.end) _terminate(dealId, d, T_ENDED_UNCONFIRMED, false);
            return 0;
        }
        if (status == Fil.SECTOR_FAULTY) {
            if (!s.faulty) {
                s.faulty = true;
                emit DealSectorFaulty(dealId, s.sector);
            }
            return 0;
        }
        if (s.faulty) {
            s.faulty = false;
            uint256 lost = _vestedAt(d, seen) - _vestedAt(d, d.lastSeenActive);
            d.forfeited += lost;
            reservedRewards -= lost;
            rewardPool += lost;
            totalForfeited += lost;
            emit DealFaultForfeit(dealId, d.lastSeenActive, seen, lost);
        }
        if (seen > d.lastSeenActive) d.lastSeenActive = seen;
        return 0;
    }

    /// @dev Ends a deal: it keeps what vested to the last epoch seen active (less fault forfeits); the rest goes
    ///      to the pool. Returns this forfeit when the provider is penalized (deregistered and slashed).
    function _terminate(uint64 dealId, Deal storage d, uint8 reason, bool penalize) internal returns (uint256) {
        uint256 keep = d.state == D_ACTIVE ? _vestedAt(d, d.lastSeenActive) - d.forfeited : 0;
        uint256 forfeit = d.reward - keep - d.forfeited;
        d.forfeited += forfeit;
        d.state = D_TERMINATED;
        reservedRewards -= forfeit;
        rewardPool += forfeit;
        totalForfeited += forfeit;
        emit DealTerminated(dealId, d.provider, reason, forfeit);
        Assignment storage a = _assignments[d.assignment];
        if (int64(uint64(block.number)) < d.end && (a.status == A_FULFILLED || a.status == A_OPEN)) {
            a.status = A_FAILED;
            _release(a);
            emit ReplicaFailed(d.slot, d.provider, d.assignment);
        }
        if (!penalize) return 0;
        uint8 st = _providers[d.provider].status;
        if (st == P_ACTIVE || st == P_LEAVING) _deregister(d.provider, R_DEAL_TERMINATED, _providers[d.provider].slashBps);
        return forfeit;
    }

    /// @notice New parameters apply to future registrations, windows, proposals and deals; recorded deals keep
    ///         their reward and term.
    ///         With a non-zero `timelock`, the first call announces (ActionAnnounced) and the same call made
    ///         `timelock` epochs later applies it (F14).
    function setParams(Params calldata params) external onlyDelegated onlyOwner {
        _validate(params);
        if (!_timelocked(keccak256(abi.encode("setParams", params)))) return;
        _params = params;
        emit ParamsUpdated(params);
    }

    function pause() external onlyDelegated onlyOwner whenNotPaused {
        paused = true;
        _pauseStarts.push(uint64(block.number));
        emit Paused(msg.sender);
    }

    function unpause() external onlyDelegated onlyOwner {
        if (!paused) revert NotPaused();
        paused = false;
        _pauseEnds.push(uint64(block.number));
        emit Unpaused(msg.sender);
    }

    function withdrawRewardPool(address payable to, uint256 amount) external onlyDelegated onlyOwner nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        if (amount > rewardPool) revert InsufficientRewardPool(rewardPool, amount);
        if (!_timelocked(keccak256(abi.encode("withdrawRewardPool", to, amount)))) return;
        rewardPool -= amount;
        totalPoolWithdrawn += amount;
        emit RewardPoolWithdrawn(to, amount);
        _send(to, amount);
    }

    /// @notice Moves free pool funds into this contract's market escrow (needed when pricePerEpoch > 0 or
    ///         client collateral is used). Calls market AddBalance for our own f410 address.
    function fundMarketEscrow(uint256 amount) external onlyDelegated onlyOwner nonReentrant {
        if (amount == 0 || amount > rewardPool) revert InsufficientRewardPool(rewardPool, amount);
        rewardPool -= amount;
        totalEscrowed += amount;
        int256 exit = FilecoinActors.addMarketBalance(amount);
        if (exit != 0) revert MarketCallFailed(exit);
        emit MarketEscrowFunded(amount);
    }

    /// @dev Announce-then-apply: false (and the action announced) on the first call, true once the delay passed.
    function _timelocked(bytes32 action) internal returns (bool) {
        uint64 delay = _params.timelock;
        if (delay == 0) return true;
        uint64 eta = _announced[action];
        if (eta == 0) {
            eta = uint64(block.number) + delay;
            _announced[action] = eta;
            emit ActionAnnounced(action, eta);
            return false;
        }
        if (block.number < eta) revert TimelockPending(eta);
        delete _announced[action];
        return true;
    }

    /// @notice FIL that arrived without running receive() (a plain Filecoin send to the actor, SELFDESTRUCT) goes
    ///         to the reward pool, restoring balance == pool + reserved + collateral (F10). Owner.
    function sweepExcess() external onlyDelegated onlyOwner returns (uint256 excess) {
        excess = address(this).balance - rewardPool - reservedRewards - collateralHeld;
        rewardPool += excess;
        totalFunded += excess;
        emit RewardsFunded(address(this), excess);
    }
}
