// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {console} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil, FilAddress, FilecoinCodec, DecodedProposal} from "../src/lib/FilecoinTypes.sol";
import {MockMiner} from "./mocks/MockActors.sol";

/// @notice Regression tests for the findings of the security review (issue 11), one per finding, named
///         test_F<n>_<what>. Each one failed on the code before its fix.
contract FindingsTest is Base {
    // ---------------------------------------------------------------------------------------------------- F4

    /// @notice register -> unregister -> withdrawCollateral over many miner ids reused one deposit and grew the
    ///         roster that each round roll walks; publishing then cost ~5.6k gas per stale entry, unbounded.
    function test_F4_rosterBoundedUnderRegisterCycles() public {
        addProvider(1001);
        address attacker = address(0xA77AC);
        vm.deal(attacker, COLLATERAL);
        for (uint64 i = 0; i < 300; i++) {
            uint64 id = 50_000 + i;
            etchMiner(id, attacker);
            vm.startPrank(attacker);
            client.register{value: COLLATERAL}(id, URL);
            client.unregister(id);
            client.withdrawCollateral(id);
            vm.stopPrank();
        }
        vm.assertEq(attacker.balance, COLLATERAL, "one deposit reused");
        vm.assertEq(client.roster().length, 1, "roster holds only the active provider");
        vm.assertEq(client.activeProviders(), 1, "active");

        FilFilStorage.PieceInput[] memory ps = pieces(1, 1);
        vm.cool(address(client));
        vm.prank(operator);
        uint256 g = gasleft();
        client.publishSlot(1, ps);
        g -= gasleft();
        console.log("gas publishSlot after 300 register cycles (cold)", g);
        vm.assertLe(g, 800_000, "the roll does not walk the cycled registrations");
    }

    // ---------------------------------------------------------------------------------------------------- F1

    /// @notice Three stacked windows, a 3-hour pause covering them, then anyone settling: before the fix, three
    ///         honest providers (the contract refused their deals) were removed and slashed.
    function test_F1_windowsOverlappingAPauseAreVoidNotMissed() public {
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 1);
        publish(2, 1);
        publish(3, 1); // each provider: [1000,1119] [1120,1239] [1240,1359]
        vm.roll(1010);
        vm.prank(operator);
        client.pause();
        vm.roll(1370);
        vm.expectRevert(FilFilStorage.IsPaused.selector);
        client.settle(1); // no miss recording while paused
        vm.prank(operator);
        client.unpause();
        vm.roll(1400);
        for (uint256 a = 1; a <= 9; a++) {
            client.settle(a);
            vm.assertEq(client.assignmentInfo(a).status, client.A_VOID(), "void, not missed");
        }
        for (uint64 id = 1001; id <= 1003; id++) {
            FilFilStorage.Provider memory p = client.providerInfo(id);
            vm.assertEq(p.status, client.P_ACTIVE(), "still registered");
            vm.assertEq(p.misses, 0, "no misses");
            vm.assertEq(p.collateral, COLLATERAL, "not slashed");
        }
        // a window entirely after the pause counts again
        publish(4, 1);
        uint256 aid = client.slotReplicas(4)[0].assignment;
        vm.roll(client.assignmentInfo(aid).last + 1);
        client.settle(aid);
        vm.assertEq(client.assignmentInfo(aid).status, client.A_MISSED(), "missed after the pause");
    }

    /// @notice A window is assigned only with the replica's reward reserved, so the pool running dry (or the
    ///         owner withdrawing it) cannot make the contract refuse the deals of an assigned provider.
    function test_F1_windowBudgetSurvivesPoolWithdrawal() public {
        addProvider(1001);
        publish(1, 1);
        uint256 free = client.rewardPool();
        vm.prank(operator);
        client.withdrawRewardPool(payable(address(0xAA)), free);
        vm.assertEq(client.rewardPool(), 0, "pool drained");
        uint64 dealId = dealFor(1, 0, 1001);
        vm.assertEq(client.dealInfo(dealId).reward, 3 ether, "paid from the window's budget");
        vm.assertEq(client.slotReplicas(1)[0].status, client.A_FULFILLED(), "fulfilled");
    }

    /// @notice No window is assigned when the pool cannot pay the replica.
    function test_F1_noWindowWithoutFunds() public {
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        uint256 free = client.rewardPool();
        vm.prank(operator);
        client.withdrawRewardPool(payable(address(0xAA)), free - 4 ether); // one replica (3 FIL) fits
        publish(1, 1);
        vm.assertEq(assignedTo(1).length, 1, "one funded window");
        vm.assertEq(client.windowReserved(), 3 ether, "its budget is reserved");
        vm.assertEq(client.rewardPool(), 1 ether, "the rest stays free");
    }

    // ---------------------------------------------------------------------------------------------------- F12

    /// @notice Several pieces of one batch each passed the pool check alone; the last ones were recorded with
    ///         zero reward yet bound the provider. The replica's reward is now reserved with its window.
    function test_F12_everyPieceOfABatchIsPaid() public {
        FilFilStorage.Params memory p = defaultParams();
        p.replicas = 1;
        vm.prank(operator);
        client.setParams(p);
        addProvider(1001);
        uint256 free = client.rewardPool();
        vm.prank(operator);
        client.withdrawRewardPool(payable(address(0xAA)), free - 1 ether); // less than one replica
        publish(1, 4);
        vm.assertEq(assignedTo(1).length, 0, "no window without the replica's budget");
        client.fundRewards{value: 2 ether}();
        client.offer(1);
        bytes[] memory batch = new bytes[](4);
        for (uint32 i = 0; i < 4; i++) {
            vm.prank(controllerOf(1001));
            batch[i] = boostProposal(client.proposeDeal(1, i, LOCATION, CAR_SIZE), 1001);
        }
        (uint64[] memory ids,) = market.publishStorageDeals(address(client), batch);
        vm.assertEq(ids.length, 4, "four deals");
        for (uint256 i = 0; i < 4; i++) {
            vm.assertEq(client.dealInfo(ids[i]).reward, 0.75 ether, "each piece paid its share");
        }
    }

    // ---------------------------------------------------------------------------------------------------- F13

    /// @notice MarketNotifyDeal trusted end > start: an inverted pair reserved the whole pool.
    function test_F13_invertedTermsReserveNothing() public {
        addProvider(1001);
        publish(1, 1);
        bytes memory prop = boostProposal(propose(1, 0), 1001);
        DecodedProposal memory d = FilecoinCodec.decodeDealProposal(prop);
        bytes memory bad = withTerms(prop, d.endEpoch, d.startEpoch, d.providerCollateral);
        bytes memory np = notifyParams(market.normalize(bad, CLIENT_ACTOR_ID), 4242);
        vm.prank(Fil.MARKET_ACTOR);
        client.handle_filecoin_method(Fil.MARKET_NOTIFY_DEAL_METHOD, Fil.CODEC_CBOR, np);
        vm.assertEq(client.dealInfo(4242).reward, 0, "no reward for an inverted term");
        vm.assertEq(client.reservedRewards(), client.windowReserved(), "nothing reserved for the deal");
    }

    // ---------------------------------------------------------------------------------------------------- F2

    /// @notice A wrong publication could not be corrected: republishing reverted SlotExists and the piece CID
    ///         was burned. retractSlot unstages it, voids its windows without misses, and frees the height.
    function test_F2_retractAndRepublishAWrongPublication() public {
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 1); // wrong commP
        uint256 poolAfterPublish = client.rewardPool();
        vm.prank(address(0xBAD));
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.retractSlot(1);
        vm.prank(operator);
        client.retractSlot(1);
        vm.assertEq(client.rewardPool(), poolAfterPublish + 9 ether, "budgets back to the pool");
        for (uint256 a = 1; a <= 3; a++) {
            vm.assertEq(client.assignmentInfo(a).status, client.A_VOID(), "windows void");
        }
        vm.assertFalse(client.slotInfo(1).exists, "unstaged");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownSlot.selector, uint64(1)));
        client.offer(1);

        // the corrected piece under the same height; the old CID is free again
        FilFilStorage.PieceInput[] memory fixed_ = new FilFilStorage.PieceInput[](1);
        fixed_[0] = FilFilStorage.PieceInput({pieceCid: pieceCid(99, 0), paddedSize: PIECE_SIZE, carSize: CAR_SIZE});
        vm.prank(operator);
        client.publishSlot(1, fixed_);
        vm.assertEq(client.slotCount(), 1, "listed once");
        vm.assertEq(assignedTo(1).length, 6, "three void and three new replicas in the index");
        publish(2, 1); // pieces(2,1) differs; stage the retracted CID elsewhere:
        fixed_[0].pieceCid = pieceCid(1, 0);
        vm.prank(operator);
        client.publishSlot(3, fixed_);

        vm.roll(5000);
        for (uint256 a = 1; a <= 3; a++) {
            vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToSettle.selector, a));
            client.settle(a);
        }
        // a slot with a deal cannot be retracted
        uint64[] memory ps = assignedTo(3);
        uint256 aid = client.slotReplicas(3)[0].assignment;
        vm.roll(client.assignmentInfo(aid).first);
        dealFor(3, 0, ps[0]);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.SlotHasDeals.selector, uint64(3)));
        client.retractSlot(3);
    }

    // ---------------------------------------------------------------------------------------------------- F3

    /// @notice Unregistering during the last window and withdrawing right after it, before anyone settles,
    ///         evaded the miss-limit slash. withdrawCollateral now settles the provider's windows first.
    function test_F3_withdrawSettlesMissesFirst() public {
        FilFilStorage.Params memory p = defaultParams();
        p.missLimit = 1;
        vm.prank(operator);
        client.setParams(p);
        address ctl = addProvider(1001);
        publish(1, 1); // [1000, 1119]
        vm.prank(ctl);
        client.unregister(1001);
        vm.roll(1120);
        uint256 before = ctl.balance;
        vm.prank(ctl);
        client.withdrawCollateral(1001);
        vm.assertEq(ctl.balance - before, COLLATERAL / 2, "slashed before paying out");
        vm.assertEq(client.assignmentInfo(1).status, client.A_MISSED(), "the window was settled");
    }

    /// @dev 1001 gets a window [1000, 1119], leaves during it, withdraws after it and registers again.
    function _leaveDuringWindowAndReturn() internal {
        address ctl = addProvider(1001);
        publish(1, 1);
        vm.prank(ctl);
        client.unregister(1001);
        vm.roll(1120);
        vm.prank(ctl);
        client.withdrawCollateral(1001);
        vm.prank(ctl);
        client.register{value: COLLATERAL}(1001, URL);
    }

    /// @notice Misses of a voluntary leaver survive re-registration.
    function test_F3_missesSurviveReRegistration() public {
        _leaveDuringWindowAndReturn();
        vm.assertEq(client.providerInfo(1001).misses, 1, "the miss stays");
    }

    // ---------------------------------------------------------------------------------------------------- F16

    /// @notice A miss of an old registration was charged to the new one (the assignment stayed open).
    function test_F16_oldWindowClosedAtWithdraw() public {
        _leaveDuringWindowAndReturn();
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToSettle.selector, uint256(1)));
        client.settle(1);
        (uint64 first, uint64 last) = client.windowOf(1001);
        vm.assertEq(client.providerInfo(1001).windowAssignment, 0, "no assignment carried over");
        vm.assertTrue(last < block.number && first <= last, "old window closed");
    }

    // ---------------------------------------------------------------------------------------------------- F5

    function _activeDeal() internal returns (uint64 dealId, FilFilStorage.Deal memory d) {
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 1);
        dealId = dealFor(1, 0, 1001);
        d = client.dealInfo(dealId);
        market.activate(dealId, d.start);
    }

    /// @notice The market answers 32 as soon as a deal is terminated; after the deal's end the contract read
    ///         that as completion and paid in full. It now vests only to the last epoch seen active.
    function test_F5_terminatedUnpokedDealNotPaidInFull() public {
        (uint64 dealId, FilFilStorage.Deal memory d) = _activeDeal();
        vm.roll(uint256(uint64(d.start)) + 1000);
        client.poke(dealId); // seen active at start + 1000
        market.terminate(dealId); // answers 32 from now on
        vm.roll(uint256(uint64(d.end)) + 10);
        client.poke(dealId);
        uint256 expected = d.reward * 1000 / uint256(uint64(d.end - d.start));
        vm.assertEq(client.vested(dealId), expected, "vested only to the last epoch seen active");
        vm.assertEq(client.dealInfo(dealId).state, client.D_TERMINATED(), "not completed");
    }

    /// @notice A provider that confirms its deal at the end (poke while the market still reports it) is paid
    ///         in full once the market has cleaned the deal up.
    function test_F5_confirmedCompletionPaidInFull() public {
        (uint64 dealId, FilFilStorage.Deal memory d) = _activeDeal();
        vm.roll(uint256(uint64(d.end)));
        client.poke(dealId);
        market.expire(dealId);
        vm.roll(uint256(uint64(d.end)) + 100);
        client.poke(dealId);
        vm.assertEq(client.dealInfo(dealId).state, client.D_COMPLETED(), "completed");
        vm.assertEq(client.vested(dealId), d.reward, "full");
    }

    /// @notice Whoever reports a termination before the end earns a bounty from the forfeit.
    function test_F5_keeperBountyForReportedTermination() public {
        (uint64 dealId, FilFilStorage.Deal memory d) = _activeDeal();
        vm.roll(uint256(uint64(d.start)) + 1000);
        client.poke(dealId);
        market.terminate(dealId);
        address keeper = address(0x4EE9E7);
        uint256 pool = client.rewardPool();
        vm.prank(keeper);
        client.poke(dealId);
        FilFilStorage.Deal memory after_ = client.dealInfo(dealId);
        uint256 bounty = after_.forfeited / 10;
        vm.assertGt(bounty, 0, "bounty");
        vm.assertEq(keeper.balance, bounty, "paid to the keeper");
        vm.assertEq(
            client.rewardPool(), pool + after_.forfeited - bounty + COLLATERAL / 2, "rest of the forfeit + slash to the pool"
        );
        vm.assertEq(client.totalBounties(), bounty, "accounted");
        vm.assertEq(client.providerInfo(1001).status, client.P_REMOVED(), "provider removed");
    }

    function _vestedTo(FilFilStorage.Deal memory d, uint256 epochsAfterStart) internal pure returns (uint256) {
        return d.reward * epochsAfterStart / uint256(uint64(d.end - d.start));
    }

    /// @dev At `epoch`, a poke ends the deal, which keeps what vested `seenEpochs` after its start.
    function _pokeExpectingEnd(uint64 dealId, FilFilStorage.Deal memory d, uint256 epoch, uint256 seenEpochs) internal {
        vm.roll(epoch);
        client.poke(dealId);
        vm.assertEq(client.dealInfo(dealId).state, client.D_TERMINATED(), "deal ended");
        vm.assertEq(client.vested(dealId), _vestedTo(d, seenEpochs), "vested only to the last epoch seen active");
    }

    function _sectorOf(uint64 dealId) internal view returns (MockMiner miner, uint64 sector) {
        miner = MockMiner(FilAddress.idToEvm(client.dealInfo(dealId).provider));
        sector = market.sectorOf(dealId);
    }

    /// @notice The miner terminated the deal's sector but the market has not heard yet (early terminations
    ///         beyond the per-message limit wait for cron): the market still answers active. Before the FIP-0112
    ///         check, poke vested to `now`; the miner's ValidateSectorStatus now stops vesting at the last epoch
    ///         seen active and the termination is penalized, with the keeper's bounty.
    function test_F5_deadSectorStopsVestingWhileMarketSaysActive() public {
        (uint64 dealId, FilFilStorage.Deal memory d) = _activeDeal();
        vm.roll(uint256(uint64(d.start)) + 1000);
        client.poke(dealId); // seen active; learns sector and location
        (MockMiner miner, uint64 sector) = _sectorOf(dealId);
        miner.terminateSector(sector);
        vm.roll(uint256(uint64(d.start)) + 50_000);
        address keeper = address(0x4EE9E7);
        vm.prank(keeper);
        vm.assertEq(uint256(client.poke(dealId)), uint256(client.D_TERMINATED()), "terminated while market says active");
        vm.assertEq(client.vested(dealId), _vestedTo(d, 1000), "vested only to the last epoch seen active");
        vm.assertEq(client.providerInfo(1001).status, client.P_REMOVED(), "provider removed");
        vm.assertGt(keeper.balance, 0, "keeper bounty");
        // the market catches up later and the deal ends: nothing more vests
        market.terminate(dealId);
        vm.roll(uint256(uint64(d.end)) + 10);
        vm.assertEq(client.vested(dealId), _vestedTo(d, 1000), "still");
        vm.prank(controllerOf(1001));
        client.claim(dealId);
        vm.assertEq(controllerOf(1001).balance, 100 ether - COLLATERAL + _vestedTo(d, 1000), "paid what vested");
    }

    /// @notice A dead sector found on the first check (terminated and compacted out of the AMT, no location
    ///         known yet): GenerateSectorLocation answers Dead at (-1, -1). A sector the provider moved (compaction,
    ///         MovePartitions) is found again: the stale location answers 17 and the contract relocates it.
    function test_F5_sectorLocatedOnChainAndRelocatedAfterAMove() public {
        (uint64 dealId, FilFilStorage.Deal memory d) = _activeDeal();
        (MockMiner miner, uint64 sector) = _sectorOf(dealId);
        vm.roll(uint256(uint64(d.start)) + 1000);
        client.poke(dealId);
        miner.moveSector(sector, 7, 3);
        vm.roll(uint256(uint64(d.start)) + 2000);
        vm.assertEq(uint256(client.poke(dealId)), uint256(client.D_ACTIVE()), "moved sector still active");
        vm.assertEq(client.vested(dealId), _vestedTo(d, 2000), "vests at the new location");
        miner.terminateSector(sector);
        miner.compactSector(sector);
        _pokeExpectingEnd(dealId, d, uint256(uint64(d.start)) + 3000, 2000);

        // a second deal whose sector is already gone when first checked
        addProvider(1004);
        publish(2, 1);
        uint64[] memory who = assignedTo(2);
        uint64 second = dealFor(2, 0, who[0]);
        FilFilStorage.Deal memory d2 = client.dealInfo(second);
        market.activate(second, d2.start);
        (miner, sector) = _sectorOf(second);
        miner.terminateSector(sector);
        miner.compactSector(sector);
        vm.roll(uint256(uint64(d2.start)) + 10);
        client.poke(second);
        vm.assertEq(client.dealInfo(second).state, client.D_TERMINATED(), "dead on the first check");
        vm.assertEq(client.vested(second), 0, "never seen active");
    }

    /// @notice Rule for faults: a faulty sector freezes vesting without a penalty (the miner charges fault fees
    ///         and terminates a sector faulty too long); when it is next seen active, the stretch since the last
    ///         epoch seen active before the fault is forfeited to the pool. Before, faults were invisible.
    function test_F5_faultySectorFreezesVestingAndForfeitsTheStretch() public {
        (uint64 dealId, FilFilStorage.Deal memory d) = _activeDeal();
        (MockMiner miner, uint64 sector) = _sectorOf(dealId);
        vm.roll(uint256(uint64(d.start)) + 1000);
        client.poke(dealId);
        miner.setFaulty(sector, true);
        vm.roll(uint256(uint64(d.start)) + 2000);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealSectorFaulty(dealId, sector);
        vm.assertEq(uint256(client.poke(dealId)), uint256(client.D_ACTIVE()), "faulty is not a termination");
        vm.assertEq(client.vested(dealId), _vestedTo(d, 1000), "frozen while faulty");
        vm.assertEq(client.providerInfo(1001).status, client.P_ACTIVE(), "no penalty");
        miner.setFaulty(sector, false);
        vm.roll(uint256(uint64(d.start)) + 3000);
        uint256 pool = client.rewardPool();
        uint256 lost = _vestedTo(d, 3000) - _vestedTo(d, 1000);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealFaultForfeit(dealId, d.start + 1000, d.start + 3000, lost);
        client.poke(dealId);
        vm.assertEq(client.dealInfo(dealId).forfeited, lost, "faulty stretch forfeited");
        vm.assertEq(client.rewardPool(), pool + lost, "to the pool");
        vm.assertEq(client.vested(dealId), _vestedTo(d, 1000), "recovered at the frozen amount");
        vm.roll(uint256(uint64(d.start)) + 4000);
        vm.prank(controllerOf(1001));
        uint256 got = client.claim(dealId);
        vm.assertEq(got, _vestedTo(d, 4000) - lost, "vests again after recovery");
        // to the end: paid in full less the faulty stretch, and completed
        vm.roll(uint256(uint64(d.end)));
        client.poke(dealId);
        market.expire(dealId);
        vm.roll(uint256(uint64(d.end)) + 5);
        vm.prank(controllerOf(1001));
        client.claim(dealId);
        FilFilStorage.Deal memory fin = client.dealInfo(dealId);
        vm.assertEq(fin.state, client.D_COMPLETED(), "completed");
        vm.assertEq(fin.claimed, d.reward - lost, "reward less the faulty stretch");
    }

    /// @notice A sector dead after the deal's end, with the market not yet settled: as for an expired answer, the
    ///         deal vests only to the last epoch seen active, without a penalty (the two cannot be told apart).
    function test_F5_deadSectorAfterEndVestsOnlyToLastSeen() public {
        (uint64 dealId, FilFilStorage.Deal memory d) = _activeDeal();
        (MockMiner miner, uint64 sector) = _sectorOf(dealId);
        vm.roll(uint256(uint64(d.start)) + 1000);
        client.poke(dealId);
        miner.terminateSector(sector);
        _pokeExpectingEnd(dealId, d, uint256(uint64(d.end)) + 10, 1000);
        vm.assertEq(client.providerInfo(1001).status, client.P_ACTIVE(), "not penalized");
    }

    // ---------------------------------------------------------------------------------------------------- F6

    /// @notice Copies of one replica-piece in one PublishStorageDeals batch each passed AuthenticateMessage and
    ///         the market made each a deal paid from our escrow. MarketNotifyDeal now rejects the second.
    function test_F6_duplicateReplicaPieceInOneBatchReverts() public {
        addProvider(1001);
        publish(1, 1);
        bytes memory prop = boostProposal(propose(1, 0), 1001);
        bytes[] memory batch = new bytes[](2);
        batch[0] = prop;
        batch[1] = prop;
        vm.expectRevert(
            abi.encodeWithSelector(FilFilStorage.PieceAlreadyDealt.selector, uint64(1001), uint64(1), uint32(0))
        );
        market.publishStorageDeals(address(client), batch);
        market.publishStorageDeals(address(client), one(prop)); // the fixed batch goes through
    }

    /// @notice Acceptance is bound to the contract's own terms: start and end of a proposal it made, and
    ///         provider collateral = providerCollateralFor(size).
    function test_F6_dealMustCarryOfferedTermsAndCollateral() public {
        addProvider(1001);
        publish(1, 1);
        bytes memory prop = boostProposal(propose(1, 0), 1001);
        DecodedProposal memory d = FilecoinCodec.decodeDealProposal(prop);
        vm.assertTrue(authOk(prop), "as offered");
        vm.assertFalse(authOk(withTerms(prop, d.startEpoch, d.endEpoch, 0)), "no provider collateral");
        vm.assertFalse(
            authOk(withTerms(prop, d.startEpoch + 1, d.endEpoch, d.providerCollateral)), "start not offered"
        );
        vm.assertFalse(
            authOk(withTerms(prop, d.startEpoch, d.endEpoch - 2880, d.providerCollateral)), "end not offered"
        );
        expectAuthRevert(
            withTerms(prop, d.startEpoch, d.endEpoch, 0),
            abi.encodeWithSelector(FilFilStorage.ProviderCollateralMismatch.selector, 0, d.providerCollateral)
        );
    }

    // ---------------------------------------------------------------------------------------------------- F7

    /// @notice Any EVM contract at an actor id could answer IsControllingAddress and register as a "miner".
    function test_F7_onlyMinersRegister() public {
        address attacker = address(0xE7E7);
        address fake = FilAddress.idToEvm(3000); // an EVM contract's ID address, no power claim
        vm.etch(fake, address(new MockMiner()).code);
        MockMiner(fake).setControlling(FilAddress.fromCaller(attacker), true);
        vm.deal(attacker, COLLATERAL);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotAMiner.selector, uint64(3000)));
        client.register{value: COLLATERAL}(3000, URL);
    }

    // ---------------------------------------------------------------------------------------------------- F8

    /// @notice A worker key that registered stayed the payee for good; the owner could not take over.
    function test_F8_ownerTakesOverAndDroppedKeysLoseAccess() public {
        address worker = addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 1);
        uint64 dealId = dealFor(1, 0, 1001);
        FilFilStorage.Deal memory d = client.dealInfo(dealId);
        market.activate(dealId, d.start);
        address own = address(0x0A11CE);
        MockMiner m = MockMiner(FilAddress.idToEvm(1001));
        m.setOwner(FilAddress.fromCaller(own));
        m.setControlling(FilAddress.fromCaller(worker), false); // the owner rotated the worker key out
        vm.roll(uint256(uint64(d.start)) + 10_000);

        vm.prank(worker);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotMinerController.selector, uint64(1001), worker));
        client.claim(dealId);
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotMinerOwner.selector, uint64(1001), address(0xBAD)));
        client.takeOver(1001);
        vm.prank(own);
        client.takeOver(1001);
        vm.assertEq(client.providerInfo(1001).controller, own, "owner controls the registration");
        vm.prank(own);
        uint256 paid = client.claim(dealId);
        vm.assertGt(paid, 0, "owner paid");
        vm.assertEq(own.balance, paid, "to the owner");
    }

    // ---------------------------------------------------------------------------------------------------- F9

    /// @notice A removed provider withdrew everything and re-registered in the same epoch, and collateral could
    ///         leave while its deals were open.
    function test_F9_removalAndDealsHaveLastingEffect() public {
        FilFilStorage.Params memory p = defaultParams();
        p.missLimit = 1;
        vm.prank(operator);
        client.setParams(p);
        address ctl = addProvider(1001);
        address ctl2 = addProvider(1002);
        publish(1, 1);
        uint64 dealId = dealFor(1, 0, 1002); // 1002 deals; 1001 misses
        vm.roll(1120);
        client.settle(client.latestAssignment(1, 1001));
        vm.assertEq(client.providerInfo(1001).status, client.P_REMOVED(), "removed");
        vm.prank(ctl);
        client.withdrawCollateral(1001);
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.CoolingDown.selector, uint64(1120 + 30 * 2880)));
        client.register{value: COLLATERAL}(1001, URL);
        vm.roll(1120 + 30 * 2880);
        vm.prank(ctl);
        client.register{value: COLLATERAL}(1001, URL);

        // 1002 leaves while its deal runs: the collateral stays until the deal's end
        vm.prank(ctl2);
        client.unregister(1002);
        int64 end = client.dealInfo(dealId).end;
        vm.prank(ctl2);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.CollateralLocked.selector, uint64(end)));
        client.withdrawCollateral(1002);
        vm.roll(uint256(uint64(end)));
        vm.prank(ctl2);
        client.withdrawCollateral(1002);
        vm.assertEq(client.providerInfo(1002).collateral, 0, "released after the last deal");
    }

    // ---------------------------------------------------------------------------------------------------- F10

    /// @notice FIL that arrives without receive() (plain send, SELFDESTRUCT) was stuck outside the accounting.
    function test_F10_sweepExcessIntoPool() public {
        uint256 pool = client.rewardPool();
        vm.deal(address(client), address(client).balance + 5 ether);
        vm.prank(address(0xBAD));
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.sweepExcess();
        vm.prank(operator);
        vm.assertEq(client.sweepExcess(), 5 ether, "excess");
        vm.assertEq(client.rewardPool(), pool + 5 ether, "into the pool");
        vm.assertEq(
            address(client).balance,
            client.rewardPool() + client.reservedRewards() + client.collateralHeld(),
            "balance split restored"
        );
    }

    // ---------------------------------------------------------------------------------------------------- F11

    /// @notice proposeDeal was open to anyone with any printable URL (events pointing Boost at internal hosts).
    function test_F11_onlyAssignedControllerOrOperatorProposes() public {
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 1);
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotProposer.selector, address(0xBAD)));
        client.proposeDeal(1, 0, "http://169.254.169.254/latest/meta-data", CAR_SIZE);
        string[3] memory bad = ["ftp://x.example/a.car", "file:///etc/passwd", "gopher://127.0.0.1/"];
        for (uint256 i = 0; i < bad.length; i++) {
            vm.prank(controllerOf(1001));
            vm.expectRevert(FilFilStorage.InvalidUrl.selector);
            client.proposeDeal(1, 0, bad[i], CAR_SIZE);
        }
        vm.prank(controllerOf(1001));
        bytes32 id = client.proposeDeal(1, 0, locationOf(1001), CAR_SIZE);
        vm.assertEq(client.proposalInfo(id).provider, 1001, "bound to the proposer's provider");
        vm.assertTrue(authOk(boostProposal(id, 1001)), "its own provider");
        vm.assertFalse(authOk(boostProposal(id, 1002)), "another provider cannot use it");
    }

    // ---------------------------------------------------------------------------------------------------- F14

    /// @notice The owner could take all collateral: new missLimit/slashBps applied to existing registrations,
    ///         slashBps up to 100%, pool withdrawals without notice.
    function test_F14_slashTermsSnapshottedBoundedAndTimelocked() public {
        FilFilStorage.Params memory p = defaultParams();
        p.slashBps = 10_000;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InvalidParams.selector, "slashBps"));
        client.setParams(p);

        addProvider(1001); // accepts missLimit 3, slashBps 5000
        p = defaultParams();
        p.missLimit = 1;
        p.timelock = 2880;
        vm.prank(operator);
        client.setParams(p); // no timelock yet: applies now
        publish(1, 1);
        vm.roll(1120);
        client.settle(1);
        FilFilStorage.Provider memory pr = client.providerInfo(1001);
        vm.assertEq(pr.status, client.P_ACTIVE(), "its own missLimit (3) applies");
        vm.assertEq(pr.misses, 1, "one miss");

        // from now on parameter changes and pool withdrawals are announced, then applied after the delay
        p.replicas = 5;
        vm.prank(operator);
        client.setParams(p);
        vm.assertEq(client.getParams().replicas, 3, "announced only");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.TimelockPending.selector, uint64(1120 + 2880)));
        client.setParams(p);
        vm.roll(1120 + 2880);
        vm.prank(operator);
        client.setParams(p);
        vm.assertEq(client.getParams().replicas, 5, "applied after the delay");

        uint256 pool = client.rewardPool();
        vm.prank(operator);
        client.withdrawRewardPool(payable(address(0xAA)), pool);
        vm.assertEq(address(0xAA).balance, 0, "announced only");
        vm.roll(1120 + 2 * 2880);
        vm.prank(operator);
        client.withdrawRewardPool(payable(address(0xAA)), pool);
        vm.assertEq(address(0xAA).balance, pool, "withdrawn after the delay");
    }

    // ---------------------------------------------------------------------------------------------------- F15

    /// @notice offer() could force-end a round; a provider skipped there for holding the slot lost its turn.
    function test_F15_skippedHolderKeepsItsTurn() public {
        FilFilStorage.Params memory p = defaultParams();
        p.replicas = 2;
        vm.prank(operator);
        client.setParams(p);
        addProvider(1001); // A
        addProvider(1002); // B
        addProvider(1003); // C
        publish(1, 1); // round 1 [A B C]: A, B
        publish(2, 1); // C, then round 2 [A B | C]: A
        p.replicas = 1;
        vm.prank(operator);
        client.setParams(p);
        publish(3, 1); // B; round 2 left: [C]
        p.replicas = 2;
        vm.prank(operator);
        client.setParams(p);
        uint64[] memory s2 = assignedTo(2);
        vm.assertEq(s2[0], 1003, "C holds slot 2");
        vm.assertEq(s2[1], 1001, "A holds slot 2");
        dealFor(2, 0, 1003); // C fulfils; A misses
        vm.roll(block.number + 2 * 120);
        vm.assertEq(client.offer(2), 1, "repair"); // C is the only one left in round 2 and holds slot 2
        vm.assertEq(assignedTo(2)[2], 1001, "A repairs (B already served)");
        publish(4, 1);
        vm.assertEq(assignedTo(4)[0], 1003, "C, skipped in round 2, is served first");
    }
}
