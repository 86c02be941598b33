// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {Test, console} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil, FilAddress, FilecoinCodec, ProposalFields, CidString} from "../src/lib/FilecoinTypes.sol";
import {CborWriter} from "../src/lib/Cbor.sol";
import {MockMarket, MockMiner, MockPower} from "./mocks/MockActors.sol";

/// @notice Random sequences of everything the operator, providers, Boost, the market and keepers can do. Providers
///         1001 and 1002 are honest bots: before every action they take every deal of every open window they hold
///         and get it activated. Ghost counters record each transition reached (printed and asserted per run).
contract Handler is Test {
    FilFilDealClient internal c;
    MockMarket internal market = MockMarket(Fil.MARKET_ACTOR);
    address internal operator;
    uint64 internal nextSlot = 1;
    uint64[] public dealIds;
    uint64[] public slots;
    mapping(uint64 => bool) public honestDeal;
    mapping(uint256 => mapping(uint32 => bool)) internal _dealt; // assignment => piece => dealt by a bot
    uint256 internal _scanFrom = 1;
    uint32 public maxReplicas = 3;
    uint256 public authPassedForDeregistered; // ghost: must stay 0
    uint256 public paidOutsideWindow; // ghost: must stay 0
    uint256 public calls;

    // ghost counters of transitions
    uint256 public gDeals;
    uint256 public gActivated;
    uint256 public gTerminated;
    uint256 public gEnded;
    uint256 public gClaims;
    uint256 public gPokes;
    uint256 public gMisses;
    uint256 public gRemovedByMisses;
    uint256 public gUnregistered;
    uint256 public gWithdrawn;
    uint256 public gReRegistered;
    uint256 public gPauses;
    uint256 public gParamChanges;
    uint256 public gRetracted;
    uint256 public gVoided;
    uint256 public gFulfilled;
    uint256 public gOffers;
    uint256 public gSectorDead; // terminated on the miner's word while the market still answered active
    uint256 public gFaultRecoveries; // a sector found faulty, then active again (its faulty stretch forfeited)

    constructor(FilFilDealClient c_, address operator_) {
        c = c_;
        operator = operator_;
    }

    modifier step() {
        calls++;
        _bots();
        _;
    }

    function pool(uint256 seed) public pure returns (uint64) {
        return 1001 + uint64(seed % 8);
    }

    function isHonest(uint64 id) public pure returns (bool) {
        return id == 1001 || id == 1002;
    }

    function ctlOf(uint64 id) public pure returns (address) {
        return address(uint160(0xC0000000 + id));
    }

    function dealCount() external view returns (uint256) {
        return dealIds.length;
    }

    function slotCount() external view returns (uint256) {
        return slots.length;
    }

    // ---- honest bots

    function _bots() internal {
        uint256 n = c.assignmentCount();
        while (_scanFrom <= n && c.assignmentInfo(_scanFrom).last < block.number) _scanFrom++;
        for (uint256 aid = _scanFrom; aid <= n; aid++) {
            FilFilStorage.Assignment memory a = c.assignmentInfo(aid);
            if (!isHonest(a.provider) || a.status != 1 || block.number < a.first || block.number > a.last) continue;
            uint32 pieces = c.slotInfo(a.slot).pieceCount;
            for (uint32 i = 0; i < pieces; i++) {
                if (_dealt[aid][i]) continue;
                _dealt[aid][i] = true;
                uint64 car = c.pieceInfo(a.slot, i).carSize;
                string memory loc = _loc(a.provider);
                vm.prank(ctlOf(a.provider));
                bytes32 id = c.proposeDeal(a.slot, i, loc, car);
                uint64 dealId = _publish(_withProvider(c.getDealProposal(id), a.provider));
                honestDeal[dealId] = true;
                market.activate(dealId, int64(uint64(block.number)));
                gActivated++;
            }
        }
    }

    function _loc(uint64 prov) internal pure returns (string memory) {
        return string.concat("https://sp-", vm.toString(uint256(prov)), ".example/slot.car");
    }

    function _publish(bytes memory p) internal returns (uint64 dealId) {
        dealId = market.nextDealId();
        bytes[] memory arr = new bytes[](1);
        arr[0] = p;
        market.publishStorageDeals(address(c), arr);
        dealIds.push(dealId);
        gDeals++;
        FilFilStorage.Deal memory d = c.dealInfo(dealId);
        FilFilStorage.Assignment memory a = c.assignmentInfo(d.assignment);
        if (a.provider != d.provider || block.number < a.first || block.number > a.last) paidOutsideWindow++;
        if (a.status == 2 && a.piecesDone == c.slotInfo(a.slot).pieceCount) gFulfilled++;
    }

    // ---- providers

    function register(uint256 seed) public step {
        uint64 id = pool(seed);
        FilFilStorage.Provider memory p = c.providerInfo(id);
        if (p.status != 0 || block.number < p.coolDownUntil) return;
        if (c.activeProviders() >= c.getParams().maxProviders) return;
        address ctl = ctlOf(id);
        address m = FilAddress.idToEvm(id);
        if (m.code.length == 0) vm.etch(m, address(new MockMiner()).code);
        MockMiner(m).setControlling(FilAddress.fromCaller(ctl), true);
        MockPower(0xFf00000000000000000000000000000000000004).setMiner(id, true);
        vm.deal(ctl, ctl.balance + 10 ether);
        vm.prank(ctl);
        c.register{value: 10 ether}(id, "https://retrieve.example/ipfs");
        if (p.windowLast != 0) gReRegistered++;
    }

    /// @notice A lazy provider leaves (the first active one from the seed on).
    function unregister(uint256 seed) external step {
        for (uint256 k = 0; k < 8; k++) {
            uint64 id = pool(seed + k);
            if (isHonest(id) || c.providerInfo(id).status != 1) continue;
            vm.prank(ctlOf(id));
            c.unregister(id);
            gUnregistered++;
            return;
        }
    }

    function withdraw(uint256 seed) public step {
        uint64 id = pool(seed);
        FilFilStorage.Provider memory p = c.providerInfo(id);
        if ((p.status != 2 && p.status != 3) || block.number <= p.windowLast || block.number < p.lastDealEnd) return;
        vm.prank(ctlOf(id));
        c.withdrawCollateral(id);
        gWithdrawn++;
    }

    /// @notice Leave, wait for the last window, withdraw, and come back (after the cool-down if removed).
    function leaveAndReturn(uint256 seed) external step {
        uint64 id = 1003 + uint64(seed % 6);
        FilFilStorage.Provider memory p = c.providerInfo(id);
        if (p.status == 1) {
            vm.prank(ctlOf(id));
            c.unregister(id);
            gUnregistered++;
            p = c.providerInfo(id);
        }
        if (p.status != 2 && p.status != 3) return register(seed % 6 + 2);
        if (block.number < p.lastDealEnd) return;
        _rollTo(p.windowLast + 1);
        withdraw(id - 1001);
        if (block.number < c.providerInfo(id).coolDownUntil) _rollTo(c.providerInfo(id).coolDownUntil);
        register(id - 1001);
    }

    // ---- operator

    function publish(uint256 seed) public step {
        _publishSlot(seed);
        _bots();
    }

    /// @dev The operator's publishSlot alone (the bots have not acted on it yet).
    function _publishSlot(uint256 seed) internal {
        uint32 n = uint32(1 + seed % 2);
        uint64 s = nextSlot++;
        FilFilStorage.PieceInput[] memory ps = new FilFilStorage.PieceInput[](n);
        for (uint32 i = 0; i < n; i++) {
            ps[i] = FilFilStorage.PieceInput({
                pieceCid: abi.encodePacked(hex"0181e203922020", keccak256(abi.encode("inv", s, i))),
                paddedSize: uint64(1) << (20 + i),
                carSize: uint64(1) << (19 + i)
            });
        }
        vm.prank(operator);
        c.publishSlot(s, ps);
        slots.push(s);
    }

    /// @notice A publish followed by deals from some of the assigned providers (the common honest path).
    function publishAndDeal(uint256 seed) external {
        publish(seed);
        uint256 n = c.slotReplicas(slots[slots.length - 1]).length;
        for (uint256 i = 0; i < n; i++) {
            if ((seed >> i) & 3 != 0) makeDeal(slots.length - 1, 1 + 4 * i, seed >> 8);
        }
    }

    /// @notice Three times: publish, then let every window close (lazy providers miss, honest bots deal); settle.
    function missOut(uint256 seed) external {
        for (uint256 k = 0; k < 3; k++) {
            _publishAndClose(seed + k);
        }
    }

    function _publishAndClose(uint256 seed) internal {
        publish(seed);
        uint64 s = slots[slots.length - 1];
        _closeAndSettle(s);
    }

    function _closeAndSettle(uint64 s) internal {
        FilFilStorage.ReplicaView[] memory r = c.slotReplicas(s);
        uint64 last;
        for (uint256 i = 0; i < r.length; i++) {
            if (r[i].windowLast > last) last = r[i].windowLast;
        }
        _rollTo(last + 1);
        for (uint256 i = 0; i < r.length; i++) {
            _settle(r[i].assignment);
        }
    }

    /// @notice Publish, pause for a while (the windows become void: the contract refused deals), unpause.
    function pauseCycle(uint256 seed) external {
        publish(seed);
        vm.prank(operator);
        c.pause();
        gPauses++;
        vm.roll(block.number + 1 + seed % 300);
        vm.prank(operator);
        c.unpause();
        _closeAndSettle(slots[slots.length - 1]);
    }

    function changeParams(uint256 seed) external step {
        FilFilStorage.Params memory p = c.getParams();
        p.replicas = uint32(1 + seed % 4);
        p.missLimit = uint32(1 + (seed >> 8) % 3);
        p.slashBps = uint16((seed >> 16) % 5001);
        p.rewardPerSnapshot = 1 ether + (seed >> 32) % 5 ether;
        if (p.replicas > maxReplicas) maxReplicas = p.replicas;
        vm.prank(operator);
        c.setParams(p);
        gParamChanges++;
    }

    /// @notice A wrong publication, retracted at once, before any deal (its height is published again later).
    function retract(uint256 seed) external step {
        _publishSlot(seed);
        uint64 s = slots[slots.length - 1];
        if (c.slotInfo(s).deals != 0) return;
        uint256[] memory live = c.liveAssignments(s);
        vm.prank(operator);
        c.retractSlot(s);
        gRetracted++;
        for (uint256 i = 0; i < live.length; i++) {
            if (c.assignmentInfo(live[i]).status == 5) gVoided++;
        }
        slots.pop();
        nextSlot--;
    }

    function fund(uint256 amount) external step {
        amount = amount % 50 ether;
        vm.deal(address(this), address(this).balance + amount);
        c.fundRewards{value: amount}();
    }

    function withdrawPool(uint256 amount) external step {
        amount = amount % (c.rewardPool() + 1);
        vm.prank(operator);
        c.withdrawRewardPool(payable(address(0xD00D)), amount);
    }

    // ---- Boost, market, keepers

    function makeDeal(uint256 slotSeed, uint256 provSeed, uint256 pieceSeed) public step {
        if (slots.length == 0) return;
        uint64 s = slots[slotSeed % slots.length];
        FilFilStorage.Slot memory sl = c.slotInfo(s);
        if (!sl.exists) return;
        uint32 idx = uint32(pieceSeed % sl.pieceCount);
        // mostly one of the slot's assigned providers, sometimes anyone from the pool
        FilFilStorage.ReplicaView[] memory r = c.slotReplicas(s);
        uint64 prov = provSeed % 4 != 0 && r.length > 0 ? r[(provSeed / 4) % r.length].provider : pool(provSeed);
        if (isHonest(prov)) return; // the bots deal for themselves
        _proposeAndPublish(s, idx, prov);
    }

    /// @dev The operator proposes the piece for `prov`; Boost publishes it if the contract authenticates it.
    function _proposeAndPublish(uint64 s, uint32 idx, uint64 prov) internal returns (bool ok, uint64 dealId) {
        uint64 car = c.pieceInfo(s, idx).carSize;
        string memory loc = _loc(prov);
        vm.prank(operator);
        try c.proposeDeal(s, idx, loc, car) returns (bytes32 id) {
            bytes memory p = _withProvider(c.getDealProposal(id), prov);
            (ok,) = address(c).staticcall(abi.encodeCall(FilFilDealClient.authenticate, (_authParams(p))));
            uint8 st = c.providerInfo(prov).status;
            if (ok && st != 1 && st != 2) authPassedForDeregistered++;
            if (ok) dealId = _publish(p);
        } catch {}
    }

    /// @dev A live deal of a lazy provider before its end; when there is none, a slot is published and a lazy
    ///      assignee whose window opens at once takes (and activates) a deal, so the deal-ending actions always
    ///      have something to act on.
    function _lazyLive(uint256 seed) internal returns (bool found, uint64 id) {
        (found, id) = _liveDeal(seed, false);
        if (found && int64(uint64(block.number)) < c.dealInfo(id).end) return (true, id);
        return _newLazyDeal(seed);
    }

    /// @dev Publishes a slot; its first lazy assignee waits for its window (lazy providers' windows queue up)
    ///      and takes and activates a deal.
    function _newLazyDeal(uint256 seed) internal returns (bool found, uint64 id) {
        publish(seed);
        uint64 s = slots[slots.length - 1];
        FilFilStorage.ReplicaView[] memory r = c.slotReplicas(s);
        for (uint256 i = 0; i < r.length; i++) {
            if (isHonest(r[i].provider)) continue;
            _rollTo(r[i].windowFirst);
            (found, id) = _proposeAndPublish(s, 0, r[i].provider);
            if (!found) continue;
            market.activate(id, int64(uint64(block.number)));
            gActivated++;
            return (true, id);
        }
        return (false, 0);
    }

    /// @dev Rolls to `target` in steps of 60 epochs while an honest provider has a window open or coming (so its
    ///      bot acts in it), then straight to the target.
    function _rollTo(uint256 target) internal {
        while (block.number < target) {
            if (_honestBusyUntil() < block.number) {
                vm.roll(target);
                _bots();
                return;
            }
            uint256 next = block.number + 60;
            vm.roll(next < target ? next : target);
            _bots();
        }
    }

    function _honestBusyUntil() internal view returns (uint256) {
        (, uint64 l1) = c.windowOf(1001);
        (, uint64 l2) = c.windowOf(1002);
        return l1 > l2 ? l1 : l2;
    }

    /// @notice Time passes; in small steps while an honest provider has a window coming, so its bot can act.
    function advance(uint256 seed) external step {
        uint256 stepLen = seed % 8 == 0 ? 1 + seed % 400_000 : 1 + seed % 60;
        uint256 busy = _honestBusyUntil();
        if (busy >= block.number) _rollTo(busy + 1);
        vm.roll(block.number + stepLen);
    }

    function activate(uint256 seed) external step {
        if (dealIds.length == 0) return;
        uint64 id = dealIds[seed % dealIds.length];
        (, bool expired, int64 activated) = market.deals(id);
        FilFilStorage.Deal memory d = c.dealInfo(id);
        if (expired || activated != -1 || int64(uint64(block.number)) > d.start) return;
        market.activate(id, int64(uint64(block.number)));
        gActivated++;
    }

    /// @notice The market ends a deal (terminated, or cleaned up after its end); honest deals only after the end.
    function expire(uint256 seed) external step {
        if (dealIds.length == 0) return;
        uint64 id = dealIds[seed % dealIds.length];
        if (honestDeal[id] && int64(uint64(block.number)) < c.dealInfo(id).end) return;
        market.terminate(id);
    }

    function poke(uint256 seed) external step {
        if (dealIds.length == 0) return;
        uint64 id = dealIds[seed % dealIds.length];
        try c.poke(id) returns (uint8 st) {
            gPokes++;
            if (st == 3 && c.dealInfo(id).forfeited > 0 && int64(uint64(block.number)) < c.dealInfo(id).end) {
                gTerminated++;
            }
            if (st == 4 || (st == 3 && int64(uint64(block.number)) >= c.dealInfo(id).end)) gEnded++;
        } catch {}
    }

    function claim(uint256 seed) external step {
        if (dealIds.length == 0) return;
        _claim(dealIds[seed % dealIds.length]);
    }

    /// @dev The provider's controller claims (nothing vested yet reverts and changes nothing).
    function _claim(uint64 id) internal {
        address ctl = c.providerInfo(c.dealInfo(id).provider).controller;
        vm.prank(ctl);
        try c.claim(id) {
            gClaims++;
        } catch {}
    }

    function _liveDeal(uint256 seed, bool honest) internal view returns (bool found, uint64 id) {
        uint256 n = dealIds.length;
        for (uint256 k = 0; k < n; k++) {
            id = dealIds[(seed + k) % n];
            uint8 st = c.dealInfo(id).state;
            if ((st == 1 || st == 2) && honestDeal[id] == honest) return (true, id);
        }
    }

    /// @notice A lazy provider's deal is terminated before its end and a keeper reports it.
    function terminateOne(uint256 seed) external step {
        (bool found, uint64 id) = _lazyLive(seed);
        if (!found) return;
        market.terminate(id);
        c.poke(id);
        gPokes++;
        gTerminated++;
    }

    /// @dev A lazy provider's deal the market still reports active, with its sector on the miner.
    ///      The first such deal from the seed on; when there is none, one is made (`_lazyLive`).
    ///      With `honestToo`, an honest bot's deal qualifies as well (a fault does not penalize).
    function _liveSector(uint256 seed, bool honestToo) internal returns (bool, uint64, MockMiner, uint64) {
        uint256 n = dealIds.length;
        for (uint256 k = 0; k <= n; k++) {
            uint64 id;
            if (k < n) {
                id = dealIds[(seed + k) % n];
            } else {
                bool made;
                (made, id) = _newLazyDeal(seed);
                if (!made) break;
            }
            FilFilStorage.Deal memory d = c.dealInfo(id);
            if ((honestDeal[id] && !honestToo) || (d.state != 1 && d.state != 2) || int64(uint64(block.number)) >= d.end) continue;
            (, bool expired, int64 activated) = market.deals(id);
            MockMiner miner = MockMiner(FilAddress.idToEvm(d.provider));
            uint64 sector = market.sectorOf(id);
            (bool exists, bool terminated,,,) = miner.sectors(sector);
            if (!expired && activated != -1 && exists && !terminated) return (true, id, miner, sector);
        }
        return (false, 0, MockMiner(address(0)), 0);
    }

    /// @notice The miner terminates a lazy provider's sector before the market hears of it; a keeper pokes.
    function killSector(uint256 seed) external step {
        (bool found, uint64 id, MockMiner miner, uint64 sector) = _liveSector(seed, false);
        if (!found) return;
        miner.terminateSector(sector);
        if (seed % 2 == 0) miner.compactSector(sector);
        c.poke(id);
        gPokes++;
        if (c.dealInfo(id).state == 3) {
            gSectorDead++;
            gTerminated++;
        }
    }

    /// @notice A deal's sector goes faulty (a keeper sees it), recovers some epochs later, and is poked. Honest
    ///      bots' sectors too: a fault costs the faulty stretch's reward, never registration or collateral.
    function faultCycle(uint256 seed) external step {
        (bool found, uint64 id, MockMiner miner, uint64 sector) = _liveSector(seed, true);
        if (!found) return;
        miner.setFaulty(sector, true);
        c.poke(id);
        _rollTo(block.number + 1 + seed % 3000);
        miner.setFaulty(sector, false);
        try c.poke(id) returns (uint8 st) {
            gPokes += 2;
            if (st == 2) gFaultRecoveries++;
        } catch {}
    }

    /// @notice Time reaches a deal's end: the provider confirms it, the market cleans it up, it is claimed.
    function endOne(uint256 seed) external step {
        (bool found, uint64 id) = _liveDeal(seed, (seed >> 128) % 2 == 0);
        if (!found) return;
        FilFilStorage.Deal memory d = c.dealInfo(id);
        uint256 busy = _honestBusyUntil();
        if (busy >= block.number) _rollTo(busy + 1);
        if (int64(uint64(block.number)) < d.end) vm.roll(uint256(uint64(d.end)));
        try c.poke(id) {
            gPokes++;
        } catch {}
        market.terminate(id); // cleaned up after its end
        try c.poke(id) {
            gPokes++;
        } catch {}
        uint8 st = c.dealInfo(id).state;
        if (st == 4 || st == 3) gEnded++;
        _claim(id);
    }

    /// @notice An honest provider claims what has vested so far.
    function claimHonest(uint256 seed) external step {
        (bool found, uint64 id) = _liveDeal(seed, true);
        if (!found) return;
        FilFilStorage.Deal memory d = c.dealInfo(id);
        if (int64(uint64(block.number)) <= d.start) _rollTo(uint256(uint64(d.start)) + 1 + seed % 600);
        _claim(id);
    }

    function offer(uint256 seed) external step {
        if (slots.length == 0) return;
        try c.offer(slots[seed % slots.length]) {
            gOffers++;
        } catch {}
    }

    function settle(uint256 seed) external step {
        uint256 n = c.assignmentCount();
        if (n == 0) return;
        _settle(1 + seed % n);
    }

    function _settle(uint256 aid) internal {
        uint64 prov = c.assignmentInfo(aid).provider;
        uint8 before = c.providerInfo(prov).status;
        try c.settle(aid) {
            uint8 st = c.assignmentInfo(aid).status;
            if (st == 3) gMisses++;
            if (st == 5) gVoided++;
            if (before != 3 && c.providerInfo(prov).status == 3) gRemovedByMisses++;
        } catch {}
    }

    function _authParams(bytes memory m) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(m.length + 16);
        CborWriter.writeArrayHeader(b, 2);
        CborWriter.writeBytes(b, hex"dead");
        CborWriter.writeBytes(b, m);
        return CborWriter.finish(b);
    }

    function _withProvider(bytes memory m, uint64 minerId) internal pure returns (bytes memory out) {
        // the placeholder provider f00 is encoded as 42 00 00 right after the 22-byte client
        bytes memory idAddr = FilAddress.fromId(minerId);
        uint256 pos;
        for (uint256 i = 0; i + 2 < m.length; i++) {
            if (m[i] == 0x42 && m[i + 1] == 0x00 && m[i + 2] == 0x00 && i > 60) {
                pos = i;
                break;
            }
        }
        out = new bytes(m.length - 3 + 1 + idAddr.length);
        uint256 k;
        for (uint256 i = 0; i < pos; i++) {
            out[k++] = m[i];
        }
        out[k++] = bytes1(uint8(0x40 + idAddr.length));
        for (uint256 i = 0; i < idAddr.length; i++) {
            out[k++] = idAddr[i];
        }
        for (uint256 i = pos + 3; i < m.length; i++) {
            out[k++] = m[i];
        }
    }

    receive() external payable {}
}

/// forge-config: default.invariant.runs = 8
/// forge-config: default.invariant.depth = 128
contract InvariantTest is Base {
    Handler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new Handler(client, operator);
        for (uint256 i = 0; i < 4; i++) {
            handler.register(i);
        }
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    /// @notice Funds in = claims + withdrawals out + balance; balance = free pool + reserved + collateral.
    function invariant_fundsAccounting() public view {
        uint256 bal = address(client).balance;
        vm.assertEq(bal, client.rewardPool() + client.reservedRewards() + client.collateralHeld(), "balance split");
        vm.assertEq(
            client.totalFunded() + client.totalCollateralIn(),
            client.totalClaimed() + client.totalCollateralOut() + client.totalPoolWithdrawn() + client.totalEscrowed()
                + client.totalBounties() + bal,
            "in == out + balance"
        );
        // reward side: funded + slashed == claimed + forfeited-back-to-pool-and-still-there... expressed per deal:
        uint256 outstanding;
        uint256 claimed;
        uint256 forfeited;
        uint256 n = handler.dealCount();
        for (uint256 i = 0; i < n; i++) {
            FilFilStorage.Deal memory d = client.dealInfo(handler.dealIds(i));
            vm.assertLe(d.claimed + d.forfeited, d.reward, "claims + forfeits <= reward");
            vm.assertLe(d.claimed, client.vested(handler.dealIds(i)), "claimed <= vested");
            outstanding += d.reward - d.claimed - d.forfeited;
            claimed += d.claimed;
            forfeited += d.forfeited;
        }
        vm.assertEq(
            outstanding + client.windowReserved(), client.reservedRewards(), "reserved = deals outstanding + window budgets"
        );
        vm.assertEq(claimed, client.totalClaimed(), "claims");
        vm.assertEq(forfeited, client.totalForfeited(), "forfeits");
        vm.assertEq(
            client.totalFunded() + client.totalSlashed(),
            claimed + client.totalPoolWithdrawn() + client.totalEscrowed() + client.totalBounties() + client.rewardPool()
                + client.reservedRewards(),
            "reward funds: in == claims + withdrawn + pool (incl. forfeits) + reserved"
        );
    }

    /// @notice A provider is paid only for its own slot; no (replica, piece) pays twice.
    function invariant_paidOnlyForOwnSlotAndOnce() public view {
        uint256 n = handler.dealCount();
        for (uint256 i = 0; i < n; i++) {
            uint64 id = handler.dealIds(i);
            FilFilStorage.Deal memory d = client.dealInfo(id);
            FilFilStorage.Assignment memory a = client.assignmentInfo(d.assignment);
            vm.assertEq(a.provider, d.provider, "deal provider is the assigned provider");
            vm.assertEq(a.slot, d.slot, "deal slot is the assignment's slot");
            vm.assertLt(d.pieceIndex, client.slotInfo(d.slot).pieceCount, "piece of that slot");
            for (uint256 j = i + 1; j < n; j++) {
                FilFilStorage.Deal memory e = client.dealInfo(handler.dealIds(j));
                vm.assertTrue(
                    e.assignment != d.assignment || e.pieceIndex != d.pieceIndex, "one deal per replica piece"
                );
                vm.assertTrue(handler.dealIds(j) != id, "deal recorded once");
            }
        }
    }

    /// @notice A provider's windows never overlap.
    function invariant_windowsNeverOverlap() public view {
        uint256 n = client.assignmentCount();
        for (uint256 i = 1; i <= n; i++) {
            FilFilStorage.Assignment memory a = client.assignmentInfo(i);
            for (uint256 j = i + 1; j <= n; j++) {
                FilFilStorage.Assignment memory b = client.assignmentInfo(j);
                if (a.provider == b.provider) vm.assertTrue(a.last < b.first || b.last < a.first, "overlap");
            }
        }
    }

    /// @notice Deregistered providers never pass authentication (checked directly with a well-formed proposal
    ///         for every slot, and for every attempt the handler made).
    function invariant_deregisteredNeverAuthenticate() public view {
        vm.assertEq(handler.authPassedForDeregistered(), 0, "ghost");
        uint256 ns = handler.slotCount();
        for (uint256 k = 0; k < 8; k++) {
            uint64 prov = handler.pool(k);
            uint8 st = client.providerInfo(prov).status;
            if (st == 1 || st == 2) continue;
            for (uint256 i = 0; i < ns; i++) {
                uint64 s = handler.slots(i);
                if (client.latestAssignment(s, prov) == 0) continue;
                FilFilStorage.Piece memory pc = client.pieceInfo(s, 0);
                int64 start = int64(uint64(block.number)) + 8640;
                ProposalFields memory f = ProposalFields({
                    pieceCid: pc.pieceCid,
                    pieceSize: pc.paddedSize,
                    verified: false,
                    client: FilAddress.fromEth(address(client)),
                    provider: FilAddress.fromId(prov),
                    label: CidString.base32(pc.pieceCid),
                    startEpoch: start,
                    endEpoch: start + Fil.MIN_DEAL_DURATION,
                    price: 0,
                    providerCollateral: 0,
                    clientCollateral: 0
                });
                vm.assertFalse(authOk(FilecoinCodec.encodeDealProposal(f)), "deregistered provider authenticated");
            }
        }
    }

    /// @notice The handler's actions in a seeded random order (the same mix the invariant runs draw from), with
    ///         every invariant checked after the sequence and every transition required to have happened. The
    ///         random invariant runs print their counters; a single random run is not guaranteed to hit all.
    function test_handlerReachesEveryTransition() public {
        bytes4[27] memory sel = [
            Handler.register.selector,
            Handler.unregister.selector,
            Handler.withdraw.selector,
            Handler.leaveAndReturn.selector,
            Handler.publish.selector,
            Handler.publishAndDeal.selector,
            Handler.missOut.selector,
            Handler.pauseCycle.selector,
            Handler.changeParams.selector,
            Handler.retract.selector,
            Handler.fund.selector,
            Handler.withdrawPool.selector,
            Handler.advance.selector,
            Handler.activate.selector,
            Handler.expire.selector,
            Handler.poke.selector,
            Handler.claim.selector,
            Handler.terminateOne.selector,
            Handler.endOne.selector,
            Handler.claimHonest.selector,
            Handler.offer.selector,
            Handler.settle.selector,
            Handler.makeDeal.selector,
            Handler.register.selector,
            Handler.advance.selector,
            Handler.killSector.selector,
            Handler.faultCycle.selector
        ];
        for (uint256 i = 0; i < 250; i++) {
            uint256 r = uint256(keccak256(abi.encode("seq", i)));
            bytes4 f = sel[r % sel.length];
            bytes memory data = f == Handler.makeDeal.selector
                ? abi.encodeWithSelector(f, r >> 8, r >> 16, r >> 24)
                : abi.encodeWithSelector(f, r >> 8);
            (bool ok,) = address(handler).call(data);
            ok; // a reverted action changes nothing, as in the invariant runs
        }
        _ghosts(true);
        invariant_fundsAccounting();
        invariant_paidOnlyForOwnSlotAndOnce();
        invariant_windowsNeverOverlap();
        invariant_deregisteredNeverAuthenticate();
        invariant_collateralSums();
        invariant_replicasBoundedAndPaidInWindow();
        invariant_honestNeverSlashed();
        invariant_activeCountMatches();
    }

    /// @notice Per run: how often each transition was reached (printed with -vv). Not asserted: a run of
    ///         depth 128 does not reliably reach every transition (offers, removal by misses and dead sectors were
    ///         each missed by some run); the seeded test above asserts them all.
    function afterInvariant() public view {
        _ghosts(false);
    }

    /// @dev Prints the ghost counters; with `require_`, asserts that every one is above zero.
    function _ghosts(bool require_) internal view {
        string[19] memory names = [
            "deals",
            "activated",
            "terminated",
            "ended",
            "claims",
            "pokes",
            "misses",
            "removedByMisses",
            "unregistered",
            "withdrawn",
            "reRegistered",
            "pauses",
            "paramChanges",
            "retracted",
            "voided",
            "fulfilled",
            "offers",
            "sectorDead",
            "faultRecoveries"
        ];
        uint256[19] memory v = [
            handler.gDeals(),
            handler.gActivated(),
            handler.gTerminated(),
            handler.gEnded(),
            handler.gClaims(),
            handler.gPokes(),
            handler.gMisses(),
            handler.gRemovedByMisses(),
            handler.gUnregistered(),
            handler.gWithdrawn(),
            handler.gReRegistered(),
            handler.gPauses(),
            handler.gParamChanges(),
            handler.gRetracted(),
            handler.gVoided(),
            handler.gFulfilled(),
            handler.gOffers(),
            handler.gSectorDead(),
            handler.gFaultRecoveries()
        ];
        for (uint256 i = 0; i < v.length; i++) {
            console.log(string.concat("ghost ", names[i]), v[i]);
        }
        for (uint256 i = 0; i < v.length && require_; i++) {
            vm.assertGt(v[i], 0, string.concat("transition never reached: ", names[i]));
        }
    }

    /// @notice Collateral per provider sums to the total held.
    function invariant_collateralSums() public view {
        uint256 sum;
        for (uint256 k = 0; k < 8; k++) {
            sum += client.providerInfo(handler.pool(k)).collateral;
        }
        vm.assertEq(sum, client.collateralHeld(), "collateral per provider sums to the total");
    }

    /// @notice At most R live replicas per slot; deals only inside the assigned provider's window.
    function invariant_replicasBoundedAndPaidInWindow() public view {
        uint256 ns = handler.slotCount();
        for (uint256 i = 0; i < ns; i++) {
            vm.assertLe(client.liveAssignments(handler.slots(i)).length, handler.maxReplicas(), "at most R live");
        }
        vm.assertEq(handler.paidOutsideWindow(), 0, "a deal recorded outside its provider's window");
    }

    /// @notice No honest provider (one that dealt every window it could) is ever removed or slashed.
    function invariant_honestNeverSlashed() public view {
        for (uint64 id = 1001; id <= 1002; id++) {
            FilFilStorage.Provider memory p = client.providerInfo(id);
            vm.assertEq(p.status, client.P_ACTIVE(), "honest provider still registered");
            vm.assertEq(p.collateral, 10 ether, "honest provider never slashed");
        }
    }

    /// @notice Sanity of the bookkeeping the round robin relies on.
    function invariant_activeCountMatches() public view {
        uint256 active;
        for (uint256 k = 0; k < 8; k++) {
            if (client.providerInfo(handler.pool(k)).status == 1) active++;
        }
        vm.assertEq(active, client.activeProviders(), "active count");
    }
}
