// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {Vm} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {FilFilDealClientExt} from "../src/FilFilDealClientExt.sol";
import {FilFilRewardsExt} from "../src/FilFilRewardsExt.sol";
import {FilFilExtension} from "../src/FilFilStorage.sol";
import {Fil, FilAddress, FilecoinCodec, DecodedProposal, ProposalFields, CidString} from "../src/lib/FilecoinTypes.sol";
import {CborReader} from "../src/lib/Cbor.sol";
import {FilecoinActors} from "../src/lib/FilecoinActors.sol";
import {MockMiner} from "./mocks/MockActors.sol";

contract Reverter {
    receive() external payable {
        revert("no");
    }
}

contract OwnershipAndParamsTest is Base {
    function test_constructor_rejectsZeroOwnerAndBadParams() public {
        address ext = address(new FilFilDealClientExt());
        address rext = address(new FilFilRewardsExt());
        vm.expectRevert(FilFilStorage.ZeroAddress.selector);
        new FilFilDealClient(address(0), defaultParams(), ext, rext);
        vm.expectRevert(FilFilStorage.ZeroAddress.selector);
        new FilFilDealClient(operator, defaultParams(), address(0xBEEF), rext); // no code there
        vm.expectRevert(FilFilStorage.ZeroAddress.selector);
        new FilFilDealClient(operator, defaultParams(), ext, address(0xBEEF));
        FilFilStorage.Params memory p = defaultParams();
        p.replicas = 0;
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InvalidParams.selector, "replicas"));
        new FilFilDealClient(operator, p, ext, rext);
    }

    function test_twoStepOwnership() public {
        address next = address(0xBEEF);
        vm.prank(address(0x1234));
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.transferOwnership(next);
        vm.prank(operator);
        client.transferOwnership(next);
        vm.assertEq(client.owner(), operator, "owner unchanged until accepted");
        vm.prank(address(0x1234));
        vm.expectRevert(FilFilStorage.NotPendingOwner.selector);
        client.acceptOwnership();
        vm.prank(next);
        client.acceptOwnership();
        vm.assertEq(client.owner(), next, "new owner");
        vm.assertEq(client.pendingOwner(), address(0), "pending cleared");
        vm.prank(operator);
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.pause();
    }

    function test_onlyOwner_everyOperatorFunction() public {
        FilFilStorage.Params memory p = defaultParams();
        FilFilStorage.PieceInput[] memory ps = pieces(1, 1);
        vm.startPrank(address(0x1234));
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.setParams(p);
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.publishSlot(1, ps);
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.pause();
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.unpause();
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.withdrawRewardPool(payable(address(1)), 1);
        vm.expectRevert(FilFilStorage.NotOwner.selector);
        client.fundMarketEscrow(1);
        vm.stopPrank();
    }

    function test_pause_blocksNewBusiness() public {
        addProvider(1001);
        vm.startPrank(operator);
        client.pause();
        vm.expectRevert(FilFilStorage.IsPaused.selector);
        client.pause();
        vm.stopPrank();
        FilFilStorage.PieceInput[] memory ps = pieces(1, 1);
        vm.prank(operator);
        vm.expectRevert(FilFilStorage.IsPaused.selector);
        client.publishSlot(1, ps);
        address ctl = controllerOf(1002);
        etchMiner(1002, ctl);
        vm.deal(ctl, COLLATERAL);
        vm.prank(ctl);
        vm.expectRevert(FilFilStorage.IsPaused.selector);
        client.register{value: COLLATERAL}(1002, URL);
        vm.expectRevert(FilFilStorage.IsPaused.selector);
        vm.prank(operator);
        client.proposeDeal(1, 0, LOCATION, CAR_SIZE);
        vm.expectRevert(FilFilStorage.IsPaused.selector);
        client.offer(1);
        vm.startPrank(operator);
        client.unpause();
        vm.expectRevert(FilFilStorage.NotPaused.selector);
        client.unpause();
        vm.stopPrank();
    }

    function test_pause_rejectsAuthentication() public {
        addProvider(1001);
        publish(1, 1);
        bytes memory prop = boostProposal(propose(1, 0), 1001);
        vm.assertTrue(authOk(prop), "passes unpaused");
        vm.prank(operator);
        client.pause();
        expectAuthRevert(prop, abi.encodeWithSelector(FilFilStorage.IsPaused.selector));
    }

    function test_setParams_validatesEveryField() public {
        string[10] memory names = [
            "minCollateral", "windowLength", "term", "slotLifetime", "startDelay", "renewLead", "maxProviders",
            "replicas", "missLimit", "slashBps"
        ];
        for (uint256 i = 0; i < names.length; i++) {
            FilFilStorage.Params memory p = defaultParams();
            if (i == 0) p.minCollateral = 0;
            if (i == 1) p.windowLength = 0;
            if (i == 2) p.term = uint64(uint64(Fil.MIN_DEAL_DURATION)) - 1;
            if (i == 3) p.slotLifetime = 100;
            if (i == 4) p.startDelay = 0;
            if (i == 5) p.renewLead = p.startDelay; // must exceed startDelay + windowLength
            if (i == 6) p.maxProviders = 0;
            if (i == 7) p.replicas = 17;
            if (i == 8) p.missLimit = 0;
            if (i == 9) p.slashBps = 10_001;
            vm.prank(operator);
            vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InvalidParams.selector, names[i]));
            client.setParams(p);
        }
        FilFilStorage.Params memory q = defaultParams();
        q.term = uint64(uint64(Fil.MAX_DEAL_DURATION)) + 1;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InvalidParams.selector, "term"));
        client.setParams(q);
        q = defaultParams();
        q.replicas = 5;
        q.windowLength = 240;
        vm.prank(operator);
        client.setParams(q);
        vm.assertEq(client.getParams().replicas, 5, "applied");
        vm.assertEq(client.getParams().windowLength, 240, "applied");
    }
}

contract RegistryTest is Base {
    function test_register_recordsProviderAndJoinsNextRound() public {
        address ctl = controllerOf(1001);
        etchMiner(1001, ctl);
        vm.deal(ctl, COLLATERAL);
        vm.expectEmit(true, true, false, true, address(client));
        emit FilFilStorage.ProviderRegistered(1001, ctl, COLLATERAL, 1, URL);
        vm.prank(ctl);
        client.register{value: COLLATERAL}(1001, URL);
        FilFilStorage.Provider memory p = client.providerInfo(1001);
        vm.assertEq(p.controller, ctl, "controller");
        vm.assertEq(p.status, client.P_ACTIVE(), "active");
        vm.assertEq(p.collateral, COLLATERAL, "collateral");
        vm.assertEq(p.retrievalUrl, URL, "url");
        vm.assertEq(client.activeProviders(), 1, "count");
        vm.assertEq(client.collateralHeld(), COLLATERAL, "held");
        vm.assertEq(client.roster().length, 1, "roster");
        vm.assertEq(client.roundOrder().length, 0, "not in a round before one starts");
    }

    function test_register_acceptsEthAccountController() public {
        // an f1/f3 worker appears to EVM code as its ID-masked address; the miner is asked about its f0 form
        address idCaller = FilAddress.idToEvm(4321);
        etchMiner(1001, idCaller);
        vm.deal(idCaller, COLLATERAL);
        vm.prank(idCaller);
        client.register{value: COLLATERAL}(1001, URL);
        vm.assertEq(client.providerInfo(1001).controller, idCaller, "registered");
    }

    function test_register_reverts() public {
        address ctl = controllerOf(1001);
        etchMiner(1001, ctl);
        vm.deal(ctl, 100 ether);
        vm.startPrank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InvalidMinerId.selector, uint64(99)));
        client.register{value: COLLATERAL}(99, URL);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InsufficientCollateral.selector, COLLATERAL - 1, COLLATERAL));
        client.register{value: COLLATERAL - 1}(1001, URL);
        vm.expectRevert(FilFilStorage.InvalidUrl.selector);
        client.register{value: COLLATERAL}(1001, "https://x/\"y");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotMinerController.selector, uint64(1002), ctl));
        client.register{value: COLLATERAL}(1002, URL); // no such miner actor (call fails with a syscall error)
        client.register{value: COLLATERAL}(1001, URL);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.AlreadyRegistered.selector, uint64(1001)));
        client.register{value: COLLATERAL}(1001, URL);
        vm.stopPrank();

        address stranger = address(0x5757);
        etchMiner(1003, controllerOf(1003));
        vm.deal(stranger, COLLATERAL);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotMinerController.selector, uint64(1003), stranger));
        client.register{value: COLLATERAL}(1003, URL);
    }

    function test_register_capReached() public {
        FilFilStorage.Params memory p = defaultParams();
        p.maxProviders = 2;
        vm.prank(operator);
        client.setParams(p);
        addProvider(1001);
        addProvider(1002);
        address ctl = controllerOf(1003);
        etchMiner(1003, ctl);
        vm.deal(ctl, COLLATERAL);
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.ProviderCapReached.selector, uint256(2)));
        client.register{value: COLLATERAL}(1003, URL);
        // leaving frees a place
        vm.prank(controllerOf(1001));
        client.unregister(1001);
        vm.prank(ctl);
        client.register{value: COLLATERAL}(1003, URL);
    }

    function test_unregister_andWithdrawAfterLastWindow() public {
        address ctl = addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 1); // all three get windows [1000, 1119]
        vm.prank(address(0x77));
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotController.selector, uint64(1001)));
        client.unregister(1001);
        vm.prank(ctl);
        client.unregister(1001);
        vm.assertEq(client.providerInfo(1001).status, client.P_LEAVING(), "leaving");
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotRegistered.selector, uint64(1001)));
        client.unregister(1001);
        // its assigned window stays valid: a leaving provider may still take its deal
        vm.assertTrue(authOk(boostProposal(propose(1, 0), 1001)), "leaving provider keeps its window");
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.WindowNotClosed.selector, uint64(1119)));
        client.withdrawCollateral(1001);
        vm.roll(1120);
        uint256 before = ctl.balance;
        vm.prank(ctl);
        client.withdrawCollateral(1001);
        vm.assertEq(ctl.balance - before, COLLATERAL, "collateral back");
        vm.assertEq(client.providerInfo(1001).status, client.P_NONE(), "gone");
        vm.assertEq(client.collateralHeld(), 2 * COLLATERAL, "held");
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotRegistered.selector, uint64(1001)));
        client.withdrawCollateral(1001);
        // may register again, once, and is not listed twice in the roster
        vm.prank(ctl);
        client.register{value: COLLATERAL}(1001, URL);
        uint64[] memory r = client.roster();
        uint256 seen;
        for (uint256 i = 0; i < r.length; i++) {
            if (r[i] == 1001) seen++;
        }
        vm.assertEq(seen, 1, "listed once");
    }

    function test_withdraw_activeProviderMustUnregisterFirst() public {
        address ctl = addProvider(1001);
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotRegistered.selector, uint64(1001)));
        client.withdrawCollateral(1001);
    }

    function test_setRetrievalUrl() public {
        address ctl = addProvider(1001);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.RetrievalUrlSet(1001, "https://new.example/r");
        vm.prank(ctl);
        client.setRetrievalUrl(1001, "https://new.example/r");
        vm.assertEq(client.providerInfo(1001).retrievalUrl, "https://new.example/r", "url");
        vm.prank(ctl);
        vm.expectRevert(FilFilStorage.InvalidUrl.selector);
        client.setRetrievalUrl(1001, "https://a b");
        vm.prank(address(9));
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotController.selector, uint64(1001)));
        client.setRetrievalUrl(1001, "https://x");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotRegistered.selector, uint64(4242)));
        client.setRetrievalUrl(4242, "https://x");
    }
}

contract RoundRobinTest is Base {
    function _providers(uint64 n) internal {
        for (uint64 i = 0; i < n; i++) {
            addProvider(1001 + i);
        }
    }

    function _eq(uint64[] memory a, uint64[3] memory b, string memory what) internal pure {
        vm.assertEq(a.length, 3, what);
        for (uint256 i = 0; i < 3; i++) {
            vm.assertEq(a[i], b[i], what);
        }
    }

    function test_roundRobin_deterministicOrderOneWindowPerRound() public {
        _providers(5);
        publish(1, 1);
        _eq(assignedTo(1), [uint64(1001), 1002, 1003], "slot 1");
        vm.assertEq(client.round(), 1, "round 1");
        vm.roll(2000);
        publish(2, 1);
        // 1004, 1005 end round 1; round 2 starts with the providers not already picked for this slot
        _eq(assignedTo(2), [uint64(1004), 1005, 1001], "slot 2");
        vm.assertEq(client.round(), 2, "round 2");
        vm.roll(3000);
        publish(3, 1);
        _eq(assignedTo(3), [uint64(1002), 1003, 1004], "slot 3");
        vm.roll(4000);
        publish(4, 1);
        _eq(assignedTo(4), [uint64(1005), 1001, 1002], "slot 4");
    }

    function test_windowsStartAtPublish() public {
        _providers(3);
        vm.roll(5000);
        publish(1, 1);
        (uint64 first, uint64 last) = client.windowOf(1002);
        vm.assertEq(first, 5000, "starts when published");
        vm.assertEq(last, 5119, "120 epochs");
        FilFilStorage.ReplicaView[] memory r = client.slotReplicas(1);
        for (uint256 i = 0; i < 3; i++) {
            vm.assertEq(r[i].windowFirst, 5000, "first");
            vm.assertEq(r[i].windowLast, 5119, "last");
            vm.assertEq(r[i].status, client.A_OPEN(), "open");
            vm.assertEq(r[i].retrievalUrl, URL, "url in index");
        }
    }

    function test_registrationsDuringARoundJoinTheNext() public {
        _providers(4);
        publish(1, 1); // round 1 = [1001..1004]; 1001..1003 served
        addProvider(1005); // joins round 2
        vm.roll(2000);
        publish(2, 1); // 1004 ends round 1, then round 2 = [1001,1002,1003,1005] minus {1004}-first rule
        _eq(assignedTo(2), [uint64(1004), 1001, 1002], "slot 2");
        vm.assertEq(client.roundOrder().length, 5, "1005 is in round 2");
        uint64[] memory order = client.roundOrder();
        vm.assertEq(order[4], 1004, "already-picked provider moved to the end");
        vm.roll(3000);
        publish(3, 1);
        _eq(assignedTo(3), [uint64(1003), 1005, 1004], "slot 3");
    }

    function test_busyProviderGetsNextWindowAfterItsOpenOne() public {
        _providers(3);
        publish(1, 1); // [1000, 1119]
        vm.roll(1050);
        publish(2, 1); // same three again, but their windows are still open
        FilFilStorage.ReplicaView[] memory r = client.slotReplicas(2);
        for (uint256 i = 0; i < 3; i++) {
            vm.assertEq(r[i].windowFirst, 1120, "deferred to after the open window");
            vm.assertEq(r[i].windowLast, 1239, "full length");
        }
        (uint64 first, uint64 last) = client.windowOf(1001);
        vm.assertEq(first, 1120, "windowOf: latest window");
        vm.assertEq(last, 1239, "windowOf: latest window");
        // no proposals for slot 2 until one of its windows opens; then only inside the provider's own window
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NoOpenWindow.selector, uint64(2)));
        propose(2, 0);
        vm.roll(1120);
        bytes memory prop = boostProposal(propose(2, 0), 1001);
        vm.assertTrue(authOk(prop), "inside its own window");
        vm.roll(1050);
        expectAuthRevert(prop, abi.encodeWithSelector(FilFilStorage.OutsideWindow.selector, uint64(1120), uint64(1239), uint256(1050)));
    }

    function test_fewerProvidersThanReplicas() public {
        _providers(2);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.SlotOffered(1, 3, 2);
        publish(1, 1);
        vm.assertEq(assignedTo(1).length, 2, "two distinct providers");
        vm.assertTrue(assignedTo(1)[0] != assignedTo(1)[1], "distinct");
        // a third provider can be added to the slot later
        addProvider(1003);
        vm.assertEq(client.offer(1), 1, "third replica offered");
        vm.assertEq(assignedTo(1)[2], 1003, "new provider");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToOffer.selector, uint64(1)));
        client.offer(1);
    }

    function test_publishWithNoProviders_thenOffer() public {
        publish(1, 1);
        vm.assertEq(assignedTo(1).length, 0, "nobody");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NoEligibleProvider.selector, uint64(1)));
        client.offer(1);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NoOpenWindow.selector, uint64(1)));
        vm.prank(operator);
        client.proposeDeal(1, 0, LOCATION, CAR_SIZE);
        _providers(3);
        vm.assertEq(client.offer(1), 3, "offered");
    }

    function test_leavingAndRemovedProvidersAreSkipped() public {
        _providers(4);
        publish(1, 1); // 1001..1003
        vm.prank(controllerOf(1004));
        client.unregister(1004);
        vm.roll(2000);
        publish(2, 1); // 1004 left: its turn lapses
        uint64[] memory a = assignedTo(2);
        for (uint256 i = 0; i < a.length; i++) {
            vm.assertTrue(a[i] != 1004, "leaving provider not assigned");
        }
    }

    function test_missesDeregisterAndSlash() public {
        _providers(3);
        uint256 pool0 = client.rewardPool();
        for (uint64 s = 1; s <= 3; s++) {
            vm.roll(1000 + s * 1000);
            publish(s, 1);
        }
        vm.roll(5000);
        // the third miss of each provider is recorded when anyone settles its last window
        FilFilStorage.ReplicaView[] memory r = client.slotReplicas(3);
        for (uint256 i = 0; i < r.length; i++) {
            client.settle(r[i].assignment);
        }
        for (uint64 id = 1001; id <= 1003; id++) {
            FilFilStorage.Provider memory p = client.providerInfo(id);
            vm.assertEq(p.status, client.P_REMOVED(), "removed after 3 misses");
            vm.assertEq(p.misses, 0, "misses cleared by the miss-limit removal (its slash paid for them)");
            vm.assertEq(p.collateral, COLLATERAL / 2, "half slashed");
        }
        vm.assertEq(client.rewardPool(), pool0 + 3 * COLLATERAL / 2, "slash goes to the reward pool");
        vm.assertEq(client.activeProviders(), 0, "none active");
        vm.assertEq(client.totalSlashed(), 3 * COLLATERAL / 2, "total slashed");
        // removed providers take their remaining collateral once their last window closed
        address ctl = controllerOf(1001);
        uint256 before = ctl.balance;
        vm.prank(ctl);
        client.withdrawCollateral(1001);
        vm.assertEq(ctl.balance - before, COLLATERAL / 2, "rest returned");
    }

    function test_missCounterResetsOnFulfilment() public {
        _providers(3);
        publish(1, 1);
        vm.roll(2000);
        publish(2, 1); // settles nothing yet (slot-1 windows are settled when each provider is picked again)
        vm.assertEq(client.providerInfo(1001).misses, 1, "missed slot 1");
        dealFor(2, 0, 1001);
        vm.assertEq(client.providerInfo(1001).misses, 0, "reset by a fulfilled replica");
        vm.assertEq(client.providerInfo(1002).misses, 1, "others keep theirs");
    }

    function test_settle_reverts() public {
        _providers(3);
        publish(1, 1);
        uint256 aid = client.slotReplicas(1)[0].assignment;
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToSettle.selector, aid));
        client.settle(aid); // still open
        dealFor(1, 0, 1001);
        vm.roll(1200);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToSettle.selector, aid));
        client.settle(aid); // fulfilled
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToSettle.selector, uint256(999)));
        client.settle(999);
    }

    function test_offer_repairsMissedReplicaWithAnotherProvider() public {
        _providers(5);
        publish(1, 1); // 1001..1003
        dealFor(1, 0, 1001);
        dealFor(1, 0, 1002);
        vm.roll(1200); // 1003 missed
        vm.assertEq(client.offer(1), 1, "one replacement");
        uint64[] memory a = assignedTo(1);
        vm.assertEq(a[3], 1004, "next in order");
        vm.assertEq(client.providerInfo(1003).misses, 1, "miss recorded");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToOffer.selector, uint64(1)));
        client.offer(1);
    }

    function test_offer_skipsHoldersButKeepsTheirTurn() public {
        _providers(4);
        publish(1, 1); // 1001..1003, cursor at 1004
        dealFor(1, 0, 1001);
        dealFor(1, 0, 1002);
        dealFor(1, 0, 1003);
        vm.roll(2000);
        publish(2, 1); // 1004, then round 2 [1001,1002,1003,1004→end] → 1001, 1002
        _eq(assignedTo(2), [uint64(1004), 1001, 1002], "slot 2");
        // slot 1 loses 1003's replica (terminated); 1003 is next in the round but 1001, 1002 hold slot 1
        uint64 dealId = FilFilDealClientTestHelpers.dealOf(client, 1, 2, 0);
        market.expire(dealId);
        client.poke(dealId);
        vm.assertEq(client.offer(1), 1, "repair");
        uint64[] memory a = assignedTo(1);
        vm.assertEq(a[3], 1004, "1003 was removed; 1004 is eligible");
    }

    function test_offer_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownSlot.selector, uint64(7)));
        client.offer(7);
        _providers(3);
        publish(1, 1);
        vm.roll(1000 + 5 * 365 * 2880);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.SlotRetired.selector, uint64(1)));
        client.offer(1);
    }

    function test_renewal_reaches5YearsWith1278DayDeals() public {
        _providers(6);
        publish(1, 1);
        FilFilStorage.Slot memory s = client.slotInfo(1);
        uint64 d1 = dealFor(1, 0, 1001);
        dealFor(1, 0, 1002);
        dealFor(1, 0, 1003);
        FilFilStorage.Deal memory first = client.dealInfo(d1);
        vm.assertEq(int256(first.end - first.start), int256(Fil.MAX_DEAL_DURATION), "first deals: full 1278 days");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToOffer.selector, uint64(1)));
        client.offer(1);
        // keep them active, then move to renewLead before their end
        market.activate(d1, 1100);
        vm.roll(uint256(uint64(first.end)) - 14 * 2880);
        vm.assertEq(client.offer(1), 3, "renewal offered to three providers");
        uint64 d2 = dealFor(1, 0, 1004);
        FilFilStorage.Deal memory second = client.dealInfo(d2);
        vm.assertEq(uint256(uint64(second.end)), uint256(s.lifetimeEnd), "renewal deals end at the 5-year mark");
        vm.assertGe(uint256(uint64(second.end - second.start)), uint256(uint64(Fil.MIN_DEAL_DURATION)), ">= 180 days");
        vm.assertLt(uint256(uint64(second.start)), uint256(uint64(first.end)), "no gap between terms");
        vm.assertGe(uint256(s.lifetimeEnd - s.publishedAt), 5 * 365 * 2880, "5 years");
        // reward is prorated by duration / term
        uint256 prorated =
            3 ether * uint256(uint64(second.end - second.start)) / uint256(uint64(Fil.MAX_DEAL_DURATION));
        vm.assertLe(prorated - second.reward, 1, "prorated (to a wei of rounding)");
    }
}

library FilFilDealClientTestHelpers {
    function dealOf(FilFilDealClient c, uint64 slot, uint256 replica, uint32 pieceIndex) internal view returns (uint64) {
        int256 d = c.slotReplicas(slot)[replica].dealIds[pieceIndex];
        require(d >= 0, "no deal");
        return uint64(uint256(d));
    }
}

contract PublishAndProposeTest is Base {
    function setUp() public override {
        super.setUp();
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
    }

    function test_publish_stagesPiecesAndEmits() public {
        FilFilStorage.PieceInput[] memory ps = pieces(7, 2);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.PieceStaged(7, 0, ps[0].pieceCid, PIECE_SIZE, CAR_SIZE);
        vm.prank(operator);
        client.publishSlot(7, ps);
        FilFilStorage.Slot memory s = client.slotInfo(7);
        vm.assertTrue(s.exists, "exists");
        vm.assertEq(s.pieceCount, 2, "pieces");
        vm.assertEq(s.totalSize, 2 * PIECE_SIZE, "size");
        vm.assertEq(s.publishedAt, 1000, "at");
        vm.assertEq(s.lifetimeEnd, 1000 + 5 * 365 * 2880, "lifetime");
        vm.assertEq(client.pieceInfo(7, 1).pieceCid, ps[1].pieceCid, "cid");
        vm.assertEq(client.pieceInfo(7, 1).labelHash, keccak256(bytes(CidString.base32(ps[1].pieceCid))), "label");
        vm.assertEq(client.slotCount(), 1, "listed");
        vm.assertEq(client.slotAt(0), 7, "listed");
    }

    function _publishExpect(FilFilStorage.PieceInput[] memory ps, bytes memory err) internal {
        vm.prank(operator);
        vm.expectRevert(err);
        client.publishSlot(9, ps);
    }

    function test_publish_reverts() public {
        FilFilStorage.PieceInput[] memory ps = new FilFilStorage.PieceInput[](0);
        _publishExpect(ps, abi.encodeWithSelector(FilFilStorage.NoPieces.selector));
        _publishExpect(pieces(9, 65), abi.encodeWithSelector(FilFilStorage.TooManyPieces.selector));

        ps = pieces(9, 1);
        ps[0].pieceCid = bytes.concat(ps[0].pieceCid, hex"00");
        _publishExpect(ps, abi.encodeWithSelector(FilFilStorage.InvalidPieceCid.selector, uint32(0)));
        ps = pieces(9, 1);
        ps[0].pieceCid[2] = 0x00; // not fil-commitment-unsealed
        _publishExpect(ps, abi.encodeWithSelector(FilFilStorage.InvalidPieceCid.selector, uint32(0)));

        uint64[4] memory badSizes = [uint64(0), 64, 3 << 20, 128 << 30];
        for (uint256 i = 0; i < 4; i++) {
            ps = pieces(9, 1);
            ps[0].paddedSize = badSizes[i];
            _publishExpect(ps, abi.encodeWithSelector(FilFilStorage.InvalidPieceSize.selector, uint32(0)));
        }
        uint64[3] memory badCars = [uint64(0), (PIECE_SIZE / 128) * 127 + 1, (PIECE_SIZE / 256) * 127];
        for (uint256 i = 0; i < 3; i++) {
            ps = pieces(9, 1);
            ps[0].carSize = badCars[i];
            _publishExpect(ps, abi.encodeWithSelector(FilFilStorage.InvalidCarSize.selector, uint32(0)));
        }
        ps = pieces(9, 2);
        ps[1].pieceCid = ps[0].pieceCid;
        _publishExpect(ps, abi.encodeWithSelector(FilFilStorage.PieceAlreadyStaged.selector, uint32(1)));

        publish(9, 1);
        _publishExpect(pieces(9, 1), abi.encodeWithSelector(FilFilStorage.SlotExists.selector, uint64(9)));
        ps = pieces(9, 1); // same piece under another slot
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.PieceAlreadyStaged.selector, uint32(0)));
        client.publishSlot(10, ps);
    }

    function test_propose_emitsBoostEventAndServesProposal() public {
        publish(1, 1);
        vm.recordLogs();
        bytes32 id = propose(1, 0);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        vm.assertEq(logs.length, 2, "two events");
        vm.assertEq(logs[0].topics[0], keccak256("DealProposalCreate(bytes32,uint64,bool,uint256)"), "topic0");
        vm.assertEq(logs[0].topics[1], id, "topic1 = id");
        vm.assertEq(logs[0].topics[2], bytes32(0), "topic2 = verified false");
        vm.assertEq(logs[0].data, abi.encode(uint64(PIECE_SIZE), uint256(0)), "size, price");
        vm.assertEq(client.proposalCount(), 1, "count");

        // The proposal bytes, written out from the DealProposal layout:
        bytes memory cid = pieceCid(1, 0);
        int64 start = 1000 + 3 * 2880; // proposal epoch + startDelay
        int64 end = start + Fil.MAX_DEAL_DURATION;
        bytes memory expected = bytes.concat(
            hex"8b", // array(11)
            hex"d82a582800", cid, // tag 42, bytes(40), 0x00 ‖ CID
            hex"1a00100000", // piece_size 1 MiB
            hex"f4", // verified_deal false
            hex"56040a", abi.encodePacked(address(client)), // client f410
            hex"420000", // provider f00 placeholder
            hex"7840", bytes(CidString.base32(cid)), // label: text(64)
            hex"1925a8", // start 9640 = 1000 + 3 days (fits 2 bytes)
            hex"1a00384f28", // end 3690280 = start + 1278 days
            hex"40", // price 0
            hex"4400100000", // provider collateral: 1 MiB * 1e15 / GiB, rounded up = 976562500000 (0xe35fa931a0)?
            hex"40"
        );
        // provider collateral is computed, so splice the exact value in: ceil(2^20 * 1e15 / 2^30)
        uint256 pc = (uint256(PIECE_SIZE) * 1e15 + (1 << 30) - 1) >> 30;
        vm.assertEq(pc, 976562500000, "collateral value");
        vm.assertEq(int256(start), 9640, "start");
        vm.assertEq(int256(end), 3690280, "end");
        expected = bytes.concat(CborReader.slice(expected, 0, expected.length - 6), hex"4600e35fa931a0", hex"40");
        vm.assertEq(client.getDealProposal(id), expected, "DealProposal bytes");

        bytes memory loc = bytes(LOCATION);
        vm.assertEq(loc.length, 41, "location length");
        vm.assertEq(
            client.getExtraParams(id),
            bytes.concat(hex"84", hex"7829", loc, hex"1a000f4240", hex"f4f4"), // text(41) needs a 1-byte length
            "ExtraParamsV1 bytes"
        );
        FilFilStorage.Proposal memory pr = client.proposalInfo(id);
        vm.assertEq(int256(pr.start), int256(start), "start");
        vm.assertEq(pr.locationRef, LOCATION, "location");
    }

    function test_propose_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownSlot.selector, uint64(1)));
        vm.prank(operator);
        client.proposeDeal(1, 0, LOCATION, CAR_SIZE);
        publish(1, 2);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownPieceIndex.selector, uint64(1), uint32(2)));
        vm.prank(operator);
        client.proposeDeal(1, 2, LOCATION, CAR_SIZE);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.CarSizeMismatch.selector, CAR_SIZE, CAR_SIZE + 1));
        vm.prank(operator);
        client.proposeDeal(1, 0, LOCATION, CAR_SIZE + 1);
        string[5] memory bad = ["", "https://a/\"b", "https://a/\\b", "https://a b", "https://a/\x01"];
        for (uint256 i = 0; i < bad.length; i++) {
            vm.expectRevert(FilFilStorage.InvalidUrl.selector);
            vm.prank(operator);
            client.proposeDeal(1, 0, bad[i], CAR_SIZE);
        }
        vm.expectRevert(FilFilStorage.InvalidUrl.selector);
        vm.prank(operator);
        client.proposeDeal(1, 0, string(new bytes(1025)), CAR_SIZE);
        bytes32 id = propose(1, 0);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.ProposalExists.selector, id));
        propose(1, 0);
        vm.prank(operator);
        client.proposeDeal(1, 0, "https://other.example/x.car", CAR_SIZE); // another location is another proposal
        vm.roll(1120);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NoOpenWindow.selector, uint64(1)));
        propose(1, 0);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownProposal.selector, bytes32(uint256(1))));
        client.getDealProposal(bytes32(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownProposal.selector, bytes32(uint256(1))));
        client.getExtraParams(bytes32(uint256(1)));
    }
}

contract AuthenticateTest is Base {
    bytes internal prop;
    bytes32 internal id;

    function setUp() public override {
        super.setUp();
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        addProvider(1004);
        publish(1, 1); // 1001..1003 in [1000, 1119]
        id = propose(1, 0);
        prop = boostProposal(id, 1001);
    }

    /// @dev Rebuilds the proposal with one field changed (as a dishonest or misconfigured SP could).
    function _with(uint256 field, bytes memory value) internal view returns (bytes memory) {
        ProposalFields memory f = fieldsOf(prop);
        if (field == 0) f.pieceCid = value;
        if (field == 1) f.pieceSize = abi.decode(value, (uint64));
        if (field == 2) f.verified = abi.decode(value, (bool));
        if (field == 3) f.client = value;
        if (field == 4) f.provider = value;
        if (field == 5) f.label = string(value);
        if (field == 6) f.startEpoch = abi.decode(value, (int64));
        if (field == 7) f.endEpoch = abi.decode(value, (int64));
        if (field == 8) f.price = abi.decode(value, (uint256));
        if (field == 10) f.clientCollateral = abi.decode(value, (uint256));
        return FilecoinCodec.encodeDealProposal(f);
    }

    function test_acceptsAssignedProviderInWindow() public {
        vm.assertEq(_with(99, ""), prop, "rebuild is byte-identical");
        bytes memory ps = authParams(prop);
        vm.prank(Fil.MARKET_ACTOR);
        (uint32 exit, uint64 codec, bytes memory ret) =
            client.handle_filecoin_method(Fil.AUTHENTICATE_MESSAGE_METHOD, Fil.CODEC_CBOR, ps);
        vm.assertEq(exit, 0, "exit");
        vm.assertEq(codec, Fil.CODEC_CBOR, "codec 0x51");
        vm.assertEq(ret, hex"f5", "CBOR true");
        vm.assertTrue(market.authenticate(address(client), prop), "works as a READ_ONLY (static) call");
        vm.roll(1119);
        vm.assertTrue(authOk(prop), "last epoch of the window");
    }

    function test_onlyMarketMayCall() public {
        bytes memory ps = authParams(prop);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotMarketActor.selector, address(this)));
        client.handle_filecoin_method(Fil.AUTHENTICATE_MESSAGE_METHOD, Fil.CODEC_CBOR, ps);
        vm.prank(Fil.DATACAP_ACTOR);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotMarketActor.selector, Fil.DATACAP_ACTOR));
        client.handle_filecoin_method(Fil.MARKET_NOTIFY_DEAL_METHOD, Fil.CODEC_CBOR, notifyParams(prop, 1));
        vm.prank(Fil.MARKET_ACTOR);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnsupportedCodec.selector, uint64(0x71)));
        client.handle_filecoin_method(Fil.AUTHENTICATE_MESSAGE_METHOD, 0x71, ps);
        vm.prank(Fil.MARKET_ACTOR);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnsupportedCodec.selector, uint64(0)));
        client.handle_filecoin_method(Fil.MARKET_NOTIFY_DEAL_METHOD, 0, notifyParams(prop, 1));
        vm.prank(Fil.MARKET_ACTOR);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnsupportedMethod.selector, uint64(12345)));
        client.handle_filecoin_method(12345, Fil.CODEC_CBOR, ps);
    }

    function test_rejectsEachBrokenRule() public {
        expectAuthRevert(_with(3, FilAddress.fromEth(address(0xBAD))), abi.encodeWithSelector(FilFilStorage.WrongClient.selector));
        expectAuthRevert(_with(3, FilAddress.fromId(CLIENT_ACTOR_ID)), abi.encodeWithSelector(FilFilStorage.WrongClient.selector));
        expectAuthRevert(_with(0, pieceCid(99, 0)), abi.encodeWithSelector(FilFilStorage.UnknownPiece.selector));
        expectAuthRevert(
            _with(1, abi.encode(uint64(2 * PIECE_SIZE))),
            abi.encodeWithSelector(FilFilStorage.PieceSizeMismatch.selector, PIECE_SIZE, 2 * PIECE_SIZE)
        );
        expectAuthRevert(_with(4, hex"01aabbcc"), abi.encodeWithSelector(FilFilStorage.ProviderNotIdAddress.selector));
        expectAuthRevert(
            boostProposal(id, 2002), abi.encodeWithSelector(FilFilStorage.ProviderNotRegistered.selector, uint64(2002))
        );
        expectAuthRevert(
            boostProposal(id, 1004),
            abi.encodeWithSelector(FilFilStorage.ProviderNotAssigned.selector, uint64(1004), uint64(1))
        );
        expectAuthRevert(_with(2, abi.encode(true)), abi.encodeWithSelector(FilFilStorage.VerifiedMismatch.selector));
        expectAuthRevert(
            _with(8, abi.encode(uint256(1))), abi.encodeWithSelector(FilFilStorage.PriceTooHigh.selector, 1, 0)
        );
        expectAuthRevert(
            _with(10, abi.encode(uint256(5))),
            abi.encodeWithSelector(FilFilStorage.ClientCollateralTooHigh.selector, 5)
        );
        expectAuthRevert(_with(5, bytes("bagaNOTTHELABEL")), abi.encodeWithSelector(FilFilStorage.LabelMismatch.selector));
    }

    function test_rejectsBytesLabel() public {
        // same label content, but as a CBOR byte string (major 2) instead of text: Boost needs a string
        bytes memory p2 = prop;
        DecodedProposal memory d = FilecoinCodec.decodeDealProposal(p2);
        p2[d.labelStart - 2] = 0x58; // 0x78 0x40 -> 0x58 0x40
        expectAuthRevert(p2, abi.encodeWithSelector(FilFilStorage.LabelMismatch.selector));
    }

    function test_rejectsTermsOutOfBounds() public {
        DecodedProposal memory d = FilecoinCodec.decodeDealProposal(prop);
        int64 nowE = int64(uint64(block.number));
        expectAuthRevert(
            _with(6, abi.encode(nowE - 1)),
            abi.encodeWithSelector(FilFilStorage.StartEpochOutOfRange.selector, nowE - 1)
        );
        int64 tooLate = nowE + 3 * 2880 + 120 + 1;
        expectAuthRevert(
            _with(6, abi.encode(tooLate)),
            abi.encodeWithSelector(FilFilStorage.StartEpochOutOfRange.selector, tooLate)
        );
        int64 shortEnd = d.startEpoch + Fil.MIN_DEAL_DURATION - 1;
        expectAuthRevert(
            _with(7, abi.encode(shortEnd)),
            abi.encodeWithSelector(FilFilStorage.DurationOutOfRange.selector, Fil.MIN_DEAL_DURATION - 1)
        );
        int64 longEnd = d.startEpoch + Fil.MAX_DEAL_DURATION + 1;
        expectAuthRevert(
            _with(7, abi.encode(longEnd)),
            abi.encodeWithSelector(FilFilStorage.DurationOutOfRange.selector, Fil.MAX_DEAL_DURATION + 1)
        );
    }

    function test_rejectsEndBeyondLifetime() public {
        FilFilStorage.Params memory p = defaultParams();
        p.slotLifetime = 200 * 2880; // a 200-day slot
        vm.prank(operator);
        client.setParams(p);
        publish(2, 1); // 1004 + 1001 + 1002 (round roll)
        bytes32 id2 = propose(2, 0);
        bytes memory p2 = boostProposal(id2, 1004);
        DecodedProposal memory d = FilecoinCodec.decodeDealProposal(p2);
        vm.assertEq(int256(d.endEpoch), int256(uint256(client.slotInfo(2).lifetimeEnd)), "proposal ends at lifetime");
        vm.assertTrue(authOk(p2), "ok as proposed");
        prop = p2;
        int64 over = d.endEpoch + 1;
        expectAuthRevert(_with(7, abi.encode(over)), abi.encodeWithSelector(FilFilStorage.EndBeyondLifetime.selector, over));
    }

    function test_rejectsOutsideWindowAndAfterDeal() public {
        vm.roll(1120);
        expectAuthRevert(
            prop, abi.encodeWithSelector(FilFilStorage.OutsideWindow.selector, uint64(1000), uint64(1119), uint256(1120))
        );
        vm.roll(1000);
        dealFor(1, 0, 1002);
        // 1002 already has this piece: a second deal in its window is refused
        expectAuthRevert(
            boostProposal(id, 1002),
            abi.encodeWithSelector(FilFilStorage.PieceAlreadyDealt.selector, uint64(1002), uint64(1), uint32(0))
        );
    }

    function test_rejectsMissedReplica() public {
        vm.roll(1200);
        client.settle(client.slotReplicas(1)[0].assignment); // 1001 missed its window
        vm.roll(1100); // even inside the old epochs, a missed assignment is closed
        expectAuthRevert(
            prop, abi.encodeWithSelector(FilFilStorage.OutsideWindow.selector, uint64(1000), uint64(1119), uint256(1100))
        );
    }

    function test_rejectsDeregisteredProvider() public {
        vm.prank(controllerOf(1001));
        client.unregister(1001);
        vm.assertTrue(authOk(prop), "leaving: still in its window");
        vm.roll(1120);
        vm.prank(controllerOf(1001));
        client.withdrawCollateral(1001);
        vm.roll(1000); // (back in time only to show status alone decides)
        expectAuthRevert(prop, abi.encodeWithSelector(FilFilStorage.ProviderNotRegistered.selector, uint64(1001)));
    }

    /// @notice The reward was reserved with the window: draining the free pool afterwards changes nothing.
    function test_acceptsAfterPoolDrained() public {
        uint256 pool = client.rewardPool();
        vm.prank(operator);
        client.withdrawRewardPool(payable(address(0xAA)), pool);
        vm.assertTrue(authOk(prop), "paid from the window's budget");
    }

    function test_malformedParamsRevert() public {
        vm.prank(Fil.MARKET_ACTOR);
        vm.expectRevert(abi.encodeWithSelector(FilecoinCodec.WrongArrayLength.selector, 2, 3));
        client.handle_filecoin_method(Fil.AUTHENTICATE_MESSAGE_METHOD, Fil.CODEC_CBOR, hex"83404040");
    }
}

contract NotifyTest is Base {
    bytes internal prop;

    function setUp() public override {
        super.setUp();
        addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 2);
        prop = boostProposal(propose(1, 0), 1001);
    }

    function _notify(bytes memory proposalBytes, uint64 dealId) internal {
        bytes memory normalized = market.normalize(proposalBytes, CLIENT_ACTOR_ID);
        vm.prank(Fil.MARKET_ACTOR);
        (uint32 exit,,) =
            client.handle_filecoin_method(Fil.MARKET_NOTIFY_DEAL_METHOD, Fil.CODEC_CBOR, notifyParams(normalized, dealId));
        vm.assertEq(exit, 0, "notify never fails");
    }

    function test_recordsDealAndIndexesIt() public {
        uint64 dealId = market.nextDealId();
        DecodedProposal memory d = FilecoinCodec.decodeDealProposal(prop);
        vm.expectEmit(true, true, true, true, address(client));
        emit FilFilStorage.DealRecorded(1, 1001, dealId, 0, d.startEpoch, d.endEpoch, 1.5 ether);
        (uint64[] memory ids,) = market.publishStorageDeals(address(client), one(prop));
        vm.assertEq(ids[0], dealId, "id");
        FilFilStorage.Deal memory rec = client.dealInfo(dealId);
        vm.assertEq(rec.provider, 1001, "provider");
        vm.assertEq(rec.slot, 1, "slot");
        vm.assertEq(rec.state, client.D_PUBLISHED(), "published");
        vm.assertEq(rec.payee, controllerOf(1001), "payee");
        vm.assertEq(rec.reward, 1.5 ether, "half of the snapshot reward (one of two equal pieces)");
        vm.assertEq(client.reservedRewards() - client.windowReserved(), 1.5 ether, "reserved for the deal");
        FilFilStorage.ReplicaView memory r = client.slotReplicas(1)[0];
        vm.assertEq(r.dealIds[0], int256(uint256(dealId)), "index: deal for piece 0");
        vm.assertEq(r.dealIds[1], -1, "index: none for piece 1");
        vm.assertEq(r.piecesDone, 1, "one of two");
        vm.assertEq(r.status, client.A_OPEN(), "still open");
        // second piece fulfils the replica
        bytes memory second = boostProposal(propose(1, 1), 1001);
        vm.expectEmit(true, true, true, false, address(client));
        emit FilFilStorage.ReplicaFulfilled(1, 1001, r.assignment, 0);
        market.publishStorageDeals(address(client), one(second));
        vm.assertEq(client.slotReplicas(1)[0].status, client.A_FULFILLED(), "fulfilled");
    }

    function test_ignoresWhatItCannotPay_withoutReverting() public {
        _notify(prop, 77);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealIgnored(77, 3);
        _notify(prop, 77); // same deal id again
        bytes memory dup = notifyParams(market.normalize(prop, CLIENT_ACTOR_ID), 78);
        vm.prank(Fil.MARKET_ACTOR);
        vm.expectRevert(
            abi.encodeWithSelector(FilFilStorage.PieceAlreadyDealt.selector, uint64(1001), uint64(1), uint32(0))
        );
        client.handle_filecoin_method(Fil.MARKET_NOTIFY_DEAL_METHOD, Fil.CODEC_CBOR, dup); // F6: same replica piece
        bytes memory unassigned = boostProposal(propose(1, 1), 1999);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealIgnored(79, 2);
        _notify(unassigned, 79); // not assigned
                bytes memory unknown = withCid(prop, pieceCid(55, 0));
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealIgnored(80, 1);
        _notify(unknown, 80);
        bytes memory f1 = withProviderBytes(prop, hex"01aabbcc");
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealIgnored(81, 4);
        vm.prank(Fil.MARKET_ACTOR);
        client.handle_filecoin_method(Fil.MARKET_NOTIFY_DEAL_METHOD, Fil.CODEC_CBOR, notifyParams(f1, 81));
        vm.assertEq(client.dealInfo(78).state, 0, "not recorded");
    }

    function test_windowClosedBetweenAuthAndNotify_isIgnored() public {
        vm.roll(1200);
        client.settle(client.slotReplicas(1)[0].assignment);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealIgnored(90, 2);
        _notify(prop, 90);
    }

    function test_rewardFromWindowBudget_poolDrained() public {
        uint256 pool = client.rewardPool();
        vm.prank(operator);
        client.withdrawRewardPool(payable(address(0xAA)), pool);
        _notify(prop, 91);
        vm.assertEq(client.dealInfo(91).reward, 1.5 ether, "half the replica's budget (one of two pieces)");
        vm.assertEq(client.rewardPool(), 0, "pool untouched");
    }

    function test_publishRevertsOnlyWhenNoDealIsValid() public {
        bytes memory bad = boostProposal(propose(1, 1), 1999);
        bytes[] memory batch = new bytes[](2);
        batch[0] = bad;
        batch[1] = prop;
        (uint64[] memory ids, bool[] memory valid) = market.publishStorageDeals(address(client), batch);
        vm.assertFalse(valid[0], "unassigned provider dropped");
        vm.assertTrue(valid[1], "assigned provider kept");
        vm.assertEq(ids.length, 1, "one deal");
        vm.expectRevert(bytes("All deal proposals invalid"));
        market.publishStorageDeals(address(client), one(bad));
    }

    function withCid(bytes memory m, bytes memory cid) internal pure returns (bytes memory) {
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);
        return bytes.concat(
            CborReader.slice(m, 0, p.pieceCidStart), cid, CborReader.slice(m, p.pieceCidStart + 39, m.length - p.pieceCidStart - 39)
        );
    }

    function withProviderBytes(bytes memory m, bytes memory a) internal pure returns (bytes memory) {
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);
        bytes memory head = CborReader.slice(m, 0, p.providerStart - 1);
        bytes memory tail = CborReader.slice(m, p.providerStart + p.providerLen, m.length - p.providerStart - p.providerLen);
        return bytes.concat(head, bytes1(uint8(0x40 + a.length)), a, tail);
    }
}

contract DataCapTest is Base {
    function test_acceptsDataCapFromF07Only() public {
        vm.expectEmit(true, true, false, true, address(client));
        emit FilFilStorage.DataCapReceived(1234, 6, 1 << 40);
        datacap.mint(address(client), 1234, CLIENT_ACTOR_ID, 1 << 40);
        vm.assertEq(client.dataCapReceived(), 1 << 40, "recorded");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotDataCapActor.selector, address(this)));
        client.handle_filecoin_method(Fil.DATACAP_RECEIVER_HOOK_METHOD, Fil.CODEC_CBOR, hex"820040");
        vm.prank(Fil.DATACAP_ACTOR);
        vm.expectRevert(abi.encodeWithSelector(FilecoinCodec.WrongReceiverType.selector, uint32(0)));
        client.handle_filecoin_method(Fil.DATACAP_RECEIVER_HOOK_METHOD, Fil.CODEC_CBOR, hex"820040");
        vm.prank(Fil.DATACAP_ACTOR);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnsupportedCodec.selector, uint64(0)));
        client.handle_filecoin_method(Fil.DATACAP_RECEIVER_HOOK_METHOD, 0, "");
    }
}

contract RewardsTest is Base {
    uint64 internal dealId;
    FilFilStorage.Deal internal d;
    address internal ctl;

    function setUp() public override {
        super.setUp();
        ctl = addProvider(1001);
        addProvider(1002);
        addProvider(1003);
        publish(1, 1);
        dealId = dealFor(1, 0, 1001);
        d = client.dealInfo(dealId);
    }

    function test_vestsLinearlyAndIsPulled() public {
        market.activate(dealId, int64(d.start) - 100);
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToClaim.selector, dealId));
        client.claim(dealId); // before the deal's start nothing has vested
        uint256 mid = uint256(uint64(d.start + (d.end - d.start) / 2));
        vm.roll(mid);
        uint256 before = ctl.balance;
        vm.prank(ctl);
        uint256 paid = client.claim(dealId);
        vm.assertEq(paid, d.reward / 2, "half at mid-term");
        vm.assertEq(ctl.balance - before, paid, "paid to controller");
        vm.assertEq(client.dealInfo(dealId).state, client.D_ACTIVE(), "active");
        vm.roll(uint256(uint64(d.end)));
        vm.prank(ctl);
        paid = client.claim(dealId); // the market still reports the deal at its end epoch
        vm.assertEq(paid, d.reward - d.reward / 2, "rest at the end");
        vm.assertEq(client.dealInfo(dealId).state, client.D_COMPLETED(), "completed");
        vm.roll(uint256(uint64(d.end)) + 10);
        market.expire(dealId); // the market cleaned it up after a normal end
        vm.assertEq(client.reservedRewards(), client.windowReserved(), "nothing reserved for deals");
        vm.assertEq(client.totalClaimed(), d.reward, "total");
        vm.assertEq(client.providerInfo(1001).status, client.P_ACTIVE(), "no penalty");
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToClaim.selector, dealId));
        client.claim(dealId);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.DealNotLive.selector, dealId));
        client.poke(dealId);
    }

    function test_claim_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownDeal.selector, uint64(1)));
        client.claim(1);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NotPayee.selector, dealId));
        client.claim(dealId);
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToClaim.selector, dealId));
        client.claim(dealId); // published, not active
    }

    function test_claim_failsIfPayeeRejectsFunds() public {
        Reverter rv = new Reverter();
        etchMiner(1010, address(rv));
        vm.deal(address(rv), COLLATERAL);
        vm.prank(address(rv));
        client.register{value: COLLATERAL}(1010, URL);
        vm.roll(2000);
        publish(2, 1); // round 2 = [1001, 1002, 1003, 1010]
        vm.roll(3000);
        publish(3, 1); // 1010 first
        uint64 dd;
        FilFilStorage.ReplicaView[] memory r = client.slotReplicas(3);
        for (uint256 i = 0; i < r.length; i++) {
            if (r[i].provider != 1010) continue;
            vm.prank(address(rv));
            bytes32 pid = client.proposeDeal(3, 0, LOCATION, CAR_SIZE);
            (uint64[] memory ids,) = market.publishStorageDeals(address(client), one(boostProposal(pid, 1010)));
            dd = ids[0];
        }
        vm.assertTrue(dd != 0, "1010 was assigned");
        market.activate(dd, 3100);
        vm.roll(uint256(uint64(client.dealInfo(dd).end)));
        vm.prank(address(rv));
        vm.expectRevert(FilFilStorage.TransferFailed.selector);
        client.claim(dd);
    }

    function test_poke_activation() public {
        market.activate(dealId, 1500);
        vm.roll(1600);
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.DealActivated(dealId, 1500);
        vm.assertEq(client.poke(dealId), client.D_ACTIVE(), "active");
        vm.assertEq(int256(client.dealInfo(dealId).lastSeenActive), 1600, "seen");
        vm.roll(1700);
        vm.assertEq(client.poke(dealId), client.D_PUBLISHED() + 1, "still active");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.UnknownDeal.selector, uint64(3)));
        client.poke(3);
    }

    function test_poke_pendingBeforeStartDoesNothing() public {
        vm.roll(uint256(uint64(d.start)));
        vm.assertEq(client.poke(dealId), client.D_PUBLISHED(), "still pending at start");
        vm.assertEq(client.providerInfo(1001).status, client.P_ACTIVE(), "no penalty");
    }

    function test_poke_notActivatedByStart_forfeitsAllAndDeregisters() public {
        vm.roll(uint256(uint64(d.start)) + 1);
        uint256 pool = client.rewardPool();
        vm.expectEmit(true, true, false, true, address(client));
        emit FilFilStorage.DealTerminated(dealId, 1001, 2, d.reward);
        client.poke(dealId);
        vm.assertEq(client.dealInfo(dealId).state, client.D_TERMINATED(), "terminated");
        vm.assertEq(
            client.rewardPool(),
            pool + d.reward - d.reward / 10 + COLLATERAL / 2,
            "forfeit back to the pool, less the bounty; termination slash"
        );
        vm.assertEq(client.providerInfo(1001).status, client.P_REMOVED(), "deregistered");
        vm.assertEq(client.slotReplicas(1)[0].status, client.A_FAILED(), "replica failed");
        vm.prank(ctl);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.NothingToClaim.selector, dealId));
        client.claim(dealId);
    }

    function test_poke_earlyExpiry_forfeitsUnvestedKeepsVested() public {
        market.activate(dealId, int64(d.start));
        uint256 quarter = uint256(uint64(d.start + (d.end - d.start) / 4));
        vm.roll(quarter);
        client.poke(dealId); // seen active at the quarter mark
        vm.roll(quarter + 1000);
        market.expire(dealId); // sector terminated: exit 32 before the end
        client.poke(dealId);
        FilFilStorage.Deal memory t = client.dealInfo(dealId);
        vm.assertEq(t.state, client.D_TERMINATED(), "terminated");
        vm.assertEq(t.forfeited, d.reward - d.reward / 4, "unvested forfeited");
        vm.assertEq(client.vested(dealId), d.reward / 4, "vested kept");
        vm.assertEq(client.providerInfo(1001).status, client.P_REMOVED(), "deregistered");
        vm.assertEq(client.totalForfeited(), t.forfeited, "total");
        uint256 before = ctl.balance;
        vm.prank(ctl);
        client.claim(dealId);
        vm.assertEq(ctl.balance - before, d.reward / 4, "vested part paid");
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.DealNotLive.selector, dealId));
        client.poke(dealId);
        // deregistered providers never pass authentication again
        vm.roll(quarter + 2000);
        publish(9, 1);
        bytes memory p = boostProposal(propose(9, 0), 1001);
        expectAuthRevert(p, abi.encodeWithSelector(FilFilStorage.ProviderNotRegistered.selector, uint64(1001)));
    }

    /// @notice Current actors answer a terminated deal with exit 32 (no termination epoch): vesting stops at the
    ///         last epoch the deal was seen active.
    function test_poke_terminatedAnswers32_vestsToLastSeen() public {
        market.activate(dealId, int64(d.start));
        int64 half = d.start + (d.end - d.start) / 2;
        vm.roll(uint256(uint64(half)));
        client.poke(dealId);
        market.terminate(dealId);
        vm.roll(uint256(uint64(half)) + 5000);
        client.poke(dealId);
        vm.assertEq(client.vested(dealId), d.reward / 2, "vested up to the last epoch seen active");
        vm.assertEq(client.dealInfo(dealId).state, client.D_TERMINATED(), "terminated");
    }

    function test_poke_expiredAfterEnd_neverSeen_forfeitsWithoutPenalty() public {
        vm.roll(uint256(uint64(d.end)) + 1);
        market.expire(dealId);
        client.poke(dealId);
        vm.assertEq(client.dealInfo(dealId).state, client.D_TERMINATED(), "closed");
        vm.assertEq(client.dealInfo(dealId).forfeited, d.reward, "never observed active: nothing vests");
        vm.assertEq(client.providerInfo(1001).status, client.P_ACTIVE(), "but no deregistration");
    }

    function test_poke_marketFailureReverts() public {
        market.setActivationExit(17);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.MarketCallFailed.selector, int256(17)));
        client.poke(dealId);
        vm.etch(FilecoinActors.CALL_ACTOR_ID, "");
        vm.expectRevert(
            abi.encodeWithSelector(FilecoinActors.ActorCallFailed.selector, uint64(5), Fil.MARKET_GET_DEAL_ACTIVATION_METHOD)
        );
        client.poke(dealId);
    }
}

contract FundsTest is Base {
    function test_fundAndReceive() public {
        uint256 pool = client.rewardPool();
        vm.expectEmit(true, false, false, true, address(client));
        emit FilFilStorage.RewardsFunded(address(this), 5 ether);
        client.fundRewards{value: 5 ether}();
        (bool ok,) = address(client).call{value: 2 ether}("");
        vm.assertTrue(ok, "plain transfer funds the pool");
        vm.assertEq(client.rewardPool(), pool + 7 ether, "pool");
        vm.assertEq(client.totalFunded(), pool + 7 ether, "funded");
    }

    function test_withdrawRewardPool() public {
        vm.startPrank(operator);
        vm.expectRevert(FilFilStorage.ZeroAddress.selector);
        client.withdrawRewardPool(payable(address(0)), 1);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InsufficientRewardPool.selector, 1000 ether, 1001 ether));
        client.withdrawRewardPool(payable(address(0xAA)), 1001 ether);
        client.withdrawRewardPool(payable(address(0xAA)), 10 ether);
        vm.stopPrank();
        vm.assertEq(address(0xAA).balance, 10 ether, "paid");
        vm.assertEq(client.totalPoolWithdrawn(), 10 ether, "recorded");
    }

    function test_fundMarketEscrow() public {
        vm.prank(operator);
        client.fundMarketEscrow(4 ether);
        vm.assertEq(market.escrow(keccak256(FilAddress.fromEth(address(client)))), 4 ether, "escrow for our f410");
        vm.assertEq(address(market).balance, 4 ether, "value sent to f05");
        vm.assertEq(client.totalEscrowed(), 4 ether, "recorded");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.InsufficientRewardPool.selector, 996 ether, uint256(0)));
        client.fundMarketEscrow(0);
        vm.etch(Fil.MARKET_ACTOR, "");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FilFilStorage.MarketCallFailed.selector, int256(-6)));
        client.fundMarketEscrow(1 ether);
    }
}

contract ExtensionTest is Base {
    function test_extensionOnlyRunsThroughTheClient() public {
        FilFilDealClientExt ext = FilFilDealClientExt(client.extension());
        vm.expectRevert(FilFilExtension.OnlyThroughClient.selector);
        ext.settle(1);
        vm.expectRevert(FilFilExtension.OnlyThroughClient.selector);
        ext.register{value: 1 ether}(1001, URL);
        FilFilRewardsExt rext = FilFilRewardsExt(client.rewardsExtension());
        vm.expectRevert(FilFilExtension.OnlyThroughClient.selector);
        rext.poke(1);
        vm.assertTrue(address(ext).code.length > 0, "deployed");
    }

    function test_codeSizesUnderEip170() public view {
        vm.assertLe(address(client).code.length, 24_576, "client");
        vm.assertLe(client.extension().code.length, 24_576, "extension");
        vm.assertLe(client.rewardsExtension().code.length, 24_576, "rewards extension");
    }
}
