// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {Test, Vm, console} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil, FilAddress, FilecoinCodec, ProposalFields, CidString} from "../src/lib/FilecoinTypes.sol";
import {CborWriter} from "../src/lib/Cbor.sol";
import {MockMarket, MockMiner, MockPower} from "./mocks/MockActors.sol";

/// @notice Every state transition of the client the handler can reach, one ghost counter each (`Handler.ghosts`,
///         named by `ghostNames`): the provider lifecycle, slots and windows, the deal lifecycle (each reason a
///         deal ends for), and the owner's treasury and governance actions. Not listed: DealIgnored (a notify
///         that changes nothing), T_SLASHED (the market answering exit 0 with a termination epoch, which current
///         actors never do) and the DataCap receiver hook (an event only).
enum G {
    Registered,
    ReRegistered,
    Unregistered,
    Withdrawn,
    TakenOver,
    UrlChanged,
    RemovedByMisses,
    RemovedByTermination,
    SlotPublished,
    Unfunded,
    Retracted,
    Republished,
    Offers,
    Deals,
    Activated,
    Fulfilled,
    Misses,
    Voided,
    ReplicaFailed,
    DealActive,
    Claims,
    Pokes,
    Bounties,
    ExpiredEarly,
    NotActivated,
    SectorDead,
    FaultRecoveries,
    Completed,
    EndedUnconfirmed,
    Unobserved,
    Pauses,
    ParamChanges,
    Announced,
    Funded,
    PoolWithdrawn,
    Escrowed,
    Swept,
    OwnershipTransfers,
    Count
}

/// @notice Random sequences of everything the operator, providers, Boost, the market and keepers can do. Providers
///         1001 and 1002 are honest bots: before every action they take every deal of every open window they hold
///         and get it activated. Ghost counters record each transition reached; `topUp` (run at the end of every
///         invariant run, never by the fuzzer) drives each transition a run left at zero through the same actions.
contract Handler is Test {
    FilFilDealClient internal c;
    MockMarket internal market = MockMarket(Fil.MARKET_ACTOR);
    address internal operator;
    uint64 internal nextSlot = 1;
    uint64[] public dealIds;
    uint64[] public slots;
    mapping(uint64 => bool) public honestDeal;
    mapping(uint64 => bool) internal _retractedHeight;
    mapping(uint64 => bool) internal _everRegistered;
    mapping(uint256 => mapping(uint32 => bool)) internal _dealt; // assignment => piece => dealt by a bot
    uint256 internal _scanFrom = 1;
    uint32 public maxReplicas = 3;
    uint256 public authPassedForDeregistered; // ghost: must stay 0
    uint256 public paidOutsideWindow; // ghost: must stay 0
    uint256 public calls;
    /// @dev The epoch the last committed action ended at. forge keeps a `vm.roll` made by a handler call that
    ///      then reverts (the cheatcode changes the environment, not state), so a reverted action would otherwise
    ///      leave time advanced while its bots' deals are undone: an honest window would pass without its deals.
    uint256 public clock;
    uint256[38] internal _g; // ghost counters of transitions, indexed by G

    constructor(FilFilDealClient c_, address operator_) {
        c = c_;
        operator = operator_;
        clock = block.number;
    }

    modifier step() {
        calls++;
        if (block.number != clock) vm.roll(clock); // undo the time a reverted action left behind
        _bots();
        _;
    }

    function ghosts() external view returns (uint256[] memory v) {
        v = new uint256[](_g.length);
        for (uint256 i = 0; i < v.length; i++) {
            v[i] = _g[i];
        }
    }

    function ghostNames() external pure returns (string[38] memory) {
        return [
            "registered",
            "reRegistered",
            "unregistered",
            "withdrawn",
            "takenOver",
            "urlChanged",
            "removedByMisses",
            "removedByTermination",
            "slotPublished",
            "unfundedWindows",
            "retracted",
            "republished",
            "offers",
            "deals",
            "activated",
            "fulfilled",
            "misses",
            "voided",
            "replicaFailed",
            "dealActive",
            "claims",
            "pokes",
            "bounties",
            "expiredEarly",
            "notActivated",
            "sectorDead",
            "faultRecoveries",
            "completed",
            "endedUnconfirmed",
            "unobserved",
            "pauses",
            "paramChanges",
            "announced",
            "funded",
            "poolWithdrawn",
            "escrowed",
            "swept",
            "ownershipTransfers"
        ];
    }

    /// @notice The actions the fuzzer draws from (everything but `topUp`).
    function actions() external pure returns (bytes4[] memory s) {
        s = new bytes4[](31);
        bytes4[31] memory a = [
            this.register.selector,
            this.unregister.selector,
            this.withdraw.selector,
            this.leaveAndReturn.selector,
            this.takeOver.selector,
            this.publish.selector,
            this.publishAndDeal.selector,
            this.missOut.selector,
            this.pauseCycle.selector,
            this.changeParams.selector,
            this.retract.selector,
            this.fund.selector,
            this.withdrawPool.selector,
            this.escrow.selector,
            this.sweep.selector,
            this.handOver.selector,
            this.advance.selector,
            this.activate.selector,
            this.expire.selector,
            this.poke.selector,
            this.claim.selector,
            this.terminateOne.selector,
            this.endOne.selector,
            this.claimHonest.selector,
            this.offer.selector,
            this.settle.selector,
            this.makeDeal.selector,
            this.killSector.selector,
            this.faultCycle.selector,
            this.expireUnobserved.selector,
            this.endUnconfirmed.selector
        ];
        for (uint256 i = 0; i < a.length; i++) {
            s[i] = a[i];
        }
    }

    function _count(G k) internal {
        _g[uint256(k)]++;
    }

    function pool(uint256 seed) public pure returns (uint64) {
        return 1001 + uint64(seed % 8);
    }

    function isHonest(uint64 id) public pure returns (bool) {
        return id == 1001 || id == 1002;
    }

    /// @dev The key that registers miner `id` (a control address).
    function ctlOf(uint64 id) public pure returns (address) {
        return address(uint160(0xC0000000 + id));
    }

    /// @dev The miner's owner (it can take a registration over).
    function ownerOf(uint64 id) public pure returns (address) {
        return address(uint160(0xB0000000 + id));
    }

    /// @dev Who acts for a registered provider: the registering key, or the owner after a take-over.
    function _ctl(uint64 id) internal view returns (address) {
        address a = c.providerInfo(id).controller;
        return a == address(0) ? ctlOf(id) : a;
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
                vm.prank(_ctl(a.provider));
                bytes32 id = c.proposeDeal(a.slot, i, loc, car);
                uint64 dealId = _publish(_withProvider(c.getDealProposal(id), a.provider));
                honestDeal[dealId] = true;
                market.activate(dealId, int64(uint64(block.number)));
                _count(G.Activated);
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
        _count(G.Deals);
        FilFilStorage.Deal memory d = c.dealInfo(dealId);
        FilFilStorage.Assignment memory a = c.assignmentInfo(d.assignment);
        if (a.provider != d.provider || block.number < a.first || block.number > a.last) paidOutsideWindow++;
        if (a.status == 2 && a.piecesDone == c.slotInfo(a.slot).pieceCount) _count(G.Fulfilled);
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
        _count(G.Registered);
        if (_everRegistered[id]) _count(G.ReRegistered);
        _everRegistered[id] = true;
    }

    /// @notice A lazy provider leaves (the first active one from the seed on).
    function unregister(uint256 seed) external step {
        for (uint256 k = 0; k < 8; k++) {
            uint64 id = pool(seed + k);
            if (isHonest(id) || c.providerInfo(id).status != 1) continue;
            _unregister(id);
            return;
        }
    }

    function _unregister(uint64 id) internal {
        vm.prank(_ctl(id));
        c.unregister(id);
        _count(G.Unregistered);
    }

    function withdraw(uint256 seed) public step {
        uint64 id = pool(seed);
        FilFilStorage.Provider memory p = c.providerInfo(id);
        if ((p.status != 2 && p.status != 3) || block.number <= p.windowLast || block.number < p.lastDealEnd) return;
        vm.prank(_ctl(id));
        c.withdrawCollateral(id);
        _count(G.Withdrawn);
    }

    /// @notice Leave, wait for the last window, withdraw, and come back (after the cool-down if removed).
    function leaveAndReturn(uint256 seed) external step {
        uint64 id = 1003 + uint64(seed % 6);
        FilFilStorage.Provider memory p = c.providerInfo(id);
        if (p.status == 1) {
            _unregister(id);
            p = c.providerInfo(id);
        }
        if (p.status != 2 && p.status != 3) return register(seed % 6 + 2);
        if (block.number < p.lastDealEnd) return;
        _backAfterWithdraw(id);
    }

    /// @dev A leaving or removed provider whose deals have all ended: waits for its last window, withdraws its
    ///      collateral, waits out a cool-down and registers again.
    function _backAfterWithdraw(uint64 id) internal {
        _rollTo(c.providerInfo(id).windowLast + 1);
        withdraw(id - 1001);
        if (block.number < c.providerInfo(id).coolDownUntil) _rollTo(c.providerInfo(id).coolDownUntil);
        register(id - 1001);
    }

    /// @notice The miner's owner takes a registration over from the key that made it and sets its own URL; from
    ///         then on the owner claims, leaves and withdraws for it.
    function takeOver(uint256 seed) public step {
        uint64 id = pool(seed);
        if (c.providerInfo(id).status == 0) return;
        address o = ownerOf(id);
        MockMiner(FilAddress.idToEvm(id)).setOwner(FilAddress.fromCaller(o));
        vm.prank(o);
        c.takeOver(id);
        _count(G.TakenOver);
        vm.prank(o);
        c.setRetrievalUrl(id, string.concat("https://owner-", vm.toString(uint256(id)), ".example/ipfs"));
        _count(G.UrlChanged);
    }

    // ---- operator

    function publish(uint256 seed) public step {
        _publishSlot(seed);
        _bots();
    }

    /// @dev The operator's publishSlot alone (the bots have not acted on it yet). Fewer new windows than
    ///      min(R, active providers) happen only when the free pool cannot reserve a replica's budget.
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
        _count(G.SlotPublished);
        if (_retractedHeight[s]) _count(G.Republished);
        uint256 want = c.getParams().replicas;
        if (c.activeProviders() < want) want = c.activeProviders();
        if (c.liveAssignments(s).length < want) _count(G.Unfunded); // (a republished height lists its old ones)
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
            unchecked {
                _publishAndClose(seed + k); // wraps at 2^256 (the revert would undo rounds already played)
            }
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
    function pauseCycle(uint256 seed) public {
        publish(seed);
        vm.prank(operator);
        c.pause();
        _count(G.Pauses);
        _roll(block.number + 1 + seed % 300);
        vm.prank(operator);
        c.unpause();
        _closeAndSettle(slots[slots.length - 1]);
    }

    /// @notice New parameters; a third of the changes also turn on a timelock (later changes and pool
    ///         withdrawals are then announced, and applied once it has passed).
    function changeParams(uint256 seed) external step {
        FilFilStorage.Params memory p = c.getParams();
        p.replicas = uint32(1 + seed % 4);
        p.missLimit = uint32(1 + (seed >> 8) % 3);
        p.slashBps = uint16((seed >> 16) % 5001);
        p.rewardPerSnapshot = 1 ether + (seed >> 32) % 5 ether;
        p.timelock = (seed >> 96) % 3 == 0 ? uint64(1 + (seed >> 104) % 240) : 0;
        _setParams(p);
    }

    /// @dev setParams, announced first and applied after the delay when a timelock is on.
    function _setParams(FilFilStorage.Params memory p) internal {
        if (p.replicas > maxReplicas) maxReplicas = p.replicas;
        uint64 delay = c.getParams().timelock;
        vm.prank(operator);
        c.setParams(p);
        if (keccak256(abi.encode(c.getParams())) != keccak256(abi.encode(p))) {
            _count(G.Announced);
            _rollTo(block.number + delay);
            vm.prank(operator);
            c.setParams(p);
        }
        _count(G.ParamChanges);
    }

    /// @notice A wrong publication, retracted at once, before any deal (its height is published again later).
    function retract(uint256 seed) public step {
        _publishSlot(seed);
        uint64 s = slots[slots.length - 1];
        if (c.slotInfo(s).deals != 0) return;
        uint256[] memory live = c.liveAssignments(s);
        vm.prank(operator);
        c.retractSlot(s);
        _count(G.Retracted);
        for (uint256 i = 0; i < live.length; i++) {
            if (c.assignmentInfo(live[i]).status == 5) _count(G.Voided);
        }
        _retractedHeight[s] = true;
        slots.pop();
        nextSlot--;
    }

    function fund(uint256 amount) external step {
        _fund(amount % 50 ether);
    }

    function _fund(uint256 amount) internal {
        vm.deal(address(this), address(this).balance + amount);
        c.fundRewards{value: amount}();
        if (amount != 0) _count(G.Funded);
    }

    function withdrawPool(uint256 amount) external step {
        _withdrawPool(amount % (c.rewardPool() + 1));
    }

    /// @dev withdrawRewardPool, announced first and applied after the delay when a timelock is on.
    function _withdrawPool(uint256 amount) internal {
        if (amount == 0) return;
        uint256 before = c.totalPoolWithdrawn();
        uint64 delay = c.getParams().timelock;
        vm.prank(operator);
        c.withdrawRewardPool(payable(address(0xD00D)), amount);
        if (c.totalPoolWithdrawn() == before) {
            _count(G.Announced);
            _rollTo(block.number + delay);
            if (amount > c.rewardPool()) return; // spent on windows meanwhile: the announcement lapses
            vm.prank(operator);
            c.withdrawRewardPool(payable(address(0xD00D)), amount);
        }
        _count(G.PoolWithdrawn);
    }

    /// @notice Free pool funds go to the client's market escrow.
    function escrow(uint256 amount) public step {
        amount = 1 + amount % 1 ether;
        if (amount > c.rewardPool()) return;
        vm.prank(operator);
        c.fundMarketEscrow(amount);
        _count(G.Escrowed);
    }

    /// @notice FIL arrives without running receive() (a plain send); the owner sweeps it into the pool.
    function sweep(uint256 amount) public step {
        amount = 1 + amount % 1 ether;
        vm.deal(address(c), address(c).balance + amount);
        vm.prank(operator);
        c.sweepExcess();
        _count(G.Swept);
    }

    /// @notice The owner hands the contract to another operator key (two steps).
    function handOver(uint256 seed) public step {
        address next = address(uint160(0x0FE70000 + 1 + seed % 3));
        if (next == operator) next = address(uint160(uint160(next) + 3));
        vm.prank(operator);
        c.transferOwnership(next);
        vm.prank(next);
        c.acceptOwnership();
        operator = next;
        _count(G.OwnershipTransfers);
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
            (found, id) = _dealIn(s, r[i].provider, r[i].windowFirst, true);
            if (found) return (true, id);
        }
        return (false, 0);
    }

    /// @dev Waits for `prov`'s window on `s` to open, then a deal of piece 0 (activated on the market if asked).
    function _dealIn(uint64 s, uint64 prov, uint64 first, bool activated) internal returns (bool found, uint64 id) {
        _rollTo(first);
        (found, id) = _proposeAndPublish(s, 0, prov);
        if (!found || !activated) return (found, id);
        market.activate(id, int64(uint64(block.number)));
        _count(G.Activated);
    }

    /// @dev Rolls to `target` in steps of 60 epochs while an honest provider has a window open or coming (so its
    ///      bot acts in it), then straight to the target.
    function _rollTo(uint256 target) internal {
        while (block.number < target) {
            if (_honestBusyUntil() < block.number) {
                _roll(target);
                _bots();
                return;
            }
            uint256 next = block.number + 60;
            _roll(next < target ? next : target);
            _bots();
        }
    }

    /// @dev Every roll of the handler goes through here, so `clock` follows committed time.
    function _roll(uint256 target) internal {
        vm.roll(target);
        clock = target;
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
        _roll(block.number + stepLen);
    }

    function activate(uint256 seed) external step {
        if (dealIds.length == 0) return;
        uint64 id = dealIds[seed % dealIds.length];
        (, bool expired, int64 activated) = market.deals(id);
        FilFilStorage.Deal memory d = c.dealInfo(id);
        if (expired || activated != -1 || int64(uint64(block.number)) > d.start) return;
        market.activate(id, int64(uint64(block.number)));
        _count(G.Activated);
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
        _poke(dealIds[seed % dealIds.length]);
    }

    function claim(uint256 seed) external step {
        if (dealIds.length == 0) return;
        _claim(dealIds[seed % dealIds.length]);
    }

    /// @dev A keeper (this handler) pokes; what the poke did is counted from the client's events.
    function _poke(uint64 id) internal returns (bool ok) {
        uint8 before = c.dealInfo(id).state;
        vm.recordLogs();
        try c.poke(id) {
            ok = true;
            _count(G.Pokes);
        } catch {}
        _observed(id, before, ok);
    }

    /// @dev The provider's controller claims (nothing vested yet reverts and changes nothing).
    function _claim(uint64 id) internal returns (bool ok) {
        uint8 before = c.dealInfo(id).state;
        address ctl = c.providerInfo(c.dealInfo(id).provider).controller;
        vm.recordLogs();
        vm.prank(ctl);
        try c.claim(id) {
            ok = true;
            _count(G.Claims);
        } catch {}
        _observed(id, before, ok);
    }

    /// @dev Counts the deal transitions a successful poke or claim made: the client's events (each reason a deal
    ///      ends for, activation, fault forfeits, bounties, failed replicas, removals) and completion (a state).
    ///      The logs of a reverted call are dropped (forge records them, but nothing they tell happened).
    function _observed(uint64 id, uint8 before, bool ok) internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        if (!ok) return;
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter != address(c)) continue;
            bytes32 t = logs[i].topics[0];
            if (t == FilFilStorage.DealActivated.selector) {
                _count(G.DealActive);
            } else if (t == FilFilStorage.DealTerminated.selector) {
                (uint8 reason,) = abi.decode(logs[i].data, (uint8, uint256));
                if (reason == 2) _count(G.NotActivated);
                else if (reason == 3) _count(G.ExpiredEarly);
                else if (reason == 4) _count(G.Unobserved);
                else if (reason == 5) _count(G.EndedUnconfirmed);
                else if (reason == 6) _count(G.SectorDead);
            } else if (t == FilFilStorage.DealFaultForfeit.selector) {
                _count(G.FaultRecoveries);
            } else if (t == FilFilStorage.KeeperBounty.selector) {
                _count(G.Bounties);
            } else if (t == FilFilStorage.ReplicaFailed.selector) {
                _count(G.ReplicaFailed);
            } else if (t == FilFilStorage.ProviderDeregistered.selector) {
                _count(G.RemovedByTermination);
            }
        }
        if (before != 4 && c.dealInfo(id).state == 4) _count(G.Completed);
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
        _poke(id);
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
            (bool ok, MockMiner miner, uint64 sector) = _sectorOf(id);
            if (ok && (!honestDeal[id] || honestToo)) return (true, id, miner, sector);
        }
        return (false, 0, MockMiner(address(0)), 0);
    }

    /// @dev Whether the deal is live before its end, active on the market, its sector live on the miner.
    function _sectorOf(uint64 id) internal view returns (bool, MockMiner, uint64) {
        FilFilStorage.Deal memory d = c.dealInfo(id);
        MockMiner miner = MockMiner(FilAddress.idToEvm(d.provider));
        if ((d.state != 1 && d.state != 2) || int64(uint64(block.number)) >= d.end) return (false, miner, 0);
        (, bool expired, int64 activated) = market.deals(id);
        uint64 sector = market.sectorOf(id);
        (bool exists, bool terminated,,,) = miner.sectors(sector);
        return (!expired && activated != -1 && exists && !terminated, miner, sector);
    }

    /// @notice The miner terminates a lazy provider's sector before the market hears of it; a keeper pokes.
    function killSector(uint256 seed) external step {
        (bool found, uint64 id, MockMiner miner, uint64 sector) = _liveSector(seed, false);
        if (!found) return;
        _killSector(id, miner, sector, seed % 2 == 0);
    }

    function _killSector(uint64 id, MockMiner miner, uint64 sector, bool compact) internal {
        miner.terminateSector(sector);
        if (compact) miner.compactSector(sector);
        _poke(id);
    }

    /// @notice A deal's sector goes faulty (a keeper sees it), recovers some epochs later, and is poked. Honest
    ///      bots' sectors too: a fault costs the faulty stretch's reward, never registration or collateral.
    function faultCycle(uint256 seed) external step {
        (bool found, uint64 id, MockMiner miner, uint64 sector) = _liveSector(seed, true);
        if (!found) return;
        _faultCycle(id, miner, sector, 1 + seed % 3000);
    }

    function _faultCycle(uint64 id, MockMiner miner, uint64 sector, uint256 epochs) internal {
        miner.setFaulty(sector, true);
        _poke(id);
        _rollTo(block.number + epochs);
        miner.setFaulty(sector, false);
        _poke(id);
    }

    /// @notice Time reaches a deal's end: the provider confirms it, the market cleans it up, it is claimed.
    function endOne(uint256 seed) external step {
        (bool found, uint64 id) = _liveDeal(seed, (seed >> 128) % 2 == 0);
        if (!found) return;
        uint256 busy = _honestBusyUntil();
        if (busy >= block.number) _rollTo(busy + 1);
        _endConfirmed(id);
        _claim(id);
    }

    /// @dev At the deal's end a poke sees it active to the end; after the market cleans it up it is complete.
    function _endConfirmed(uint64 id) internal {
        int64 end = c.dealInfo(id).end;
        if (int64(uint64(block.number)) < end) _rollTo(uint256(uint64(end)));
        _poke(id);
        market.terminate(id); // cleaned up after its end
        _poke(id);
    }

    /// @notice A deal nobody ever poked ends and is cleaned up: it vests nothing, and nobody is penalized.
    function expireUnobserved(uint256 seed) external step {
        uint256 n = dealIds.length;
        for (uint256 k = 0; k < n; k++) {
            uint64 id = dealIds[(seed + k) % n];
            if (c.dealInfo(id).state == 1) return _endAfter(id);
        }
    }

    /// @notice An active deal last seen active before its end is cleaned up after it: it vests only to then.
    function endUnconfirmed(uint256 seed) external step {
        uint256 n = dealIds.length;
        for (uint256 k = 0; k < n; k++) {
            uint64 id = dealIds[(seed + k) % n];
            FilFilStorage.Deal memory d = c.dealInfo(id);
            if (d.state == 2 && d.lastSeenActive < d.end) return _endAfter(id);
        }
    }

    /// @dev Time passes the deal's end with no poke, the market cleans it up, a keeper pokes.
    function _endAfter(uint64 id) internal {
        _rollTo(uint256(uint64(c.dealInfo(id).end)) + 1);
        market.terminate(id);
        _poke(id);
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
        _offer(slots[seed % slots.length]);
    }

    function _offer(uint64 s) internal {
        try c.offer(s) {
            _count(G.Offers);
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
            if (st == 3) _count(G.Misses);
            if (st == 5) _count(G.Voided);
            if (before != 3 && c.providerInfo(prov).status == 3) _count(G.RemovedByMisses);
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

    // ---- end of run: every transition a random run left at zero, driven on purpose

    /// @notice Drives each transition still at zero through the handler's own actions, with inputs chosen to meet
    ///         its preconditions (a funded pool, an active lazy provider, a window, a deal, the right epoch).
    ///         Each driver is deterministic: it makes what it needs rather than hoping to find it. Not a fuzzer
    ///         action (`actions` leaves it out); the end-of-run check calls it, then re-checks every invariant.
    function topUp() external {
        _fundTo(200 ether);
        if (_zero(G.Funded)) _fund(1 ether);
        if (_zero(G.ParamChanges) || _zero(G.Announced)) _driveParams();
        if (_zero(G.Pauses)) pauseCycle(7);
        if (_zero(G.Retracted) || _zero(G.Voided) || _zero(G.Republished)) {
            retract(1);
            publish(1);
        }
        if (_zero(G.Deals) || _zero(G.Activated) || _zero(G.Fulfilled) || _zero(G.SlotPublished)) _honestDeal();
        if (_zero(G.Misses) || _zero(G.Offers)) _driveMissAndOffer();
        if (_zero(G.RemovedByMisses)) _driveRemovalByMisses();
        if (_zero(G.Unregistered) || _zero(G.Withdrawn) || _zero(G.ReRegistered) || _zero(G.Registered)) {
            uint64 id = _activeLazy();
            _unregister(id);
            _rollTo(c.providerInfo(id).lastDealEnd);
            _backAfterWithdraw(id);
        }
        if (_zero(G.TakenOver) || _zero(G.UrlChanged)) takeOver(_activeLazy() - 1001);
        if (_zero(G.ExpiredEarly) || _zero(G.Bounties) || _zero(G.RemovedByTermination) || _zero(G.ReplicaFailed)) {
            uint64 id = _freshLazyDeal(true);
            market.terminate(id);
            _poke(id);
        }
        if (_zero(G.NotActivated)) {
            uint64 id = _freshLazyDeal(false);
            _rollTo(uint256(uint64(c.dealInfo(id).start)) + 1);
            _poke(id);
        }
        if (_zero(G.SectorDead)) {
            uint64 id = _freshLazyDeal(true);
            (bool ok, MockMiner miner, uint64 sector) = _sectorOf(id);
            require(ok, "top-up: no live sector");
            _killSector(id, miner, sector, false);
        }
        if (_zero(G.Claims) || _zero(G.DealActive) || _zero(G.Pokes) || _zero(G.FaultRecoveries)) {
            uint64 id = _honestDeal();
            _rollTo(uint256(uint64(c.dealInfo(id).start)) + 10);
            _claim(id);
            (bool ok, MockMiner miner, uint64 sector) = _sectorOf(id);
            require(ok, "top-up: no live sector");
            _faultCycle(id, miner, sector, 10);
        }
        if (_zero(G.Unfunded)) _driveUnfunded();
        if (_zero(G.PoolWithdrawn)) _withdrawPool(1 ether);
        if (_zero(G.Escrowed)) escrow(1 ether);
        if (_zero(G.Swept)) sweep(1 ether);
        if (_zero(G.OwnershipTransfers)) handOver(1);
        if (_zero(G.Completed) || _zero(G.EndedUnconfirmed) || _zero(G.Unobserved)) _driveEnds();
    }

    function _zero(G k) internal view returns (bool) {
        return _g[uint256(k)] == 0;
    }

    function _fundTo(uint256 amount) internal {
        uint256 p = c.rewardPool();
        if (p < amount) _fund(amount - p);
    }

    /// @dev A timelock turned on (applied at once if there was none), a change under it (announced, applied
    ///      after the delay), and the timelock turned off again (announced and applied the same way).
    function _driveParams() internal {
        FilFilStorage.Params memory p = c.getParams();
        p.timelock = 20;
        _setParams(p);
        p.rewardPerSnapshot += 1;
        _setParams(p);
        p.timelock = 0;
        _setParams(p);
    }

    /// @dev A fresh deal of an honest bot: slots are published until one of the bots holds a window, which the
    ///      bot serves when it opens (every piece dealt and activated: the replica is fulfilled).
    function _honestDeal() internal returns (uint64) {
        for (uint256 k = 0; k < 24; k++) {
            _fundTo(100 ether); // every publication reserves up to R budgets
            publish(0x7000 + k);
            uint64 s = slots[slots.length - 1];
            for (uint64 h = 1001; h <= 1002; h++) {
                uint256 aid = _windowOn(s, h);
                if (aid == 0) continue;
                uint256 from = dealIds.length;
                _rollTo(c.assignmentInfo(aid).first);
                _bots();
                for (uint256 i = from; i < dealIds.length; i++) {
                    if (c.dealInfo(dealIds[i]).assignment == aid) return dealIds[i];
                }
            }
        }
        revert("top-up: no honest deal");
    }

    /// @dev The provider's window on slot `s` from its latest publication, open or already fulfilled (a bot
    ///      serves a window that opens at once within the publishing step), or 0. The latest assignment of a
    ///      republished height may be one its retraction voided (a retracted slot had no deal: never fulfilled).
    function _windowOn(uint64 s, uint64 prov) internal view returns (uint256 aid) {
        aid = c.latestAssignment(s, prov);
        if (aid != 0 && !_holds(s, prov)) aid = 0;
    }

    /// @dev An active lazy provider: the first one registered; else one that may register (after its cool-down);
    ///      else the leaving or removed one free first waits for its last window and deal, withdraws and returns.
    function _activeLazy() internal returns (uint64) {
        return _activeLazy(0);
    }

    /// @dev The same, among the lazy providers holding no live replica of slot `s` (0: any).
    function _activeLazy(uint64 s) internal returns (uint64 id) {
        for (id = 1003; id <= 1008; id++) {
            if (c.providerInfo(id).status == 1 && !_holds(s, id)) return id;
        }
        for (id = 1003; id <= 1008; id++) {
            FilFilStorage.Provider memory p = c.providerInfo(id);
            if (p.status != 0 || _holds(s, id)) continue;
            if (block.number < p.coolDownUntil) _rollTo(p.coolDownUntil);
            register(id - 1001);
            if (c.providerInfo(id).status == 1) return id;
        }
        uint64 best;
        uint256 bestAt = type(uint256).max;
        for (id = 1003; id <= 1008; id++) {
            FilFilStorage.Provider memory p = c.providerInfo(id);
            if (p.status == 1 || _holds(s, id)) continue;
            uint256 freeAt = p.windowLast + 1 > p.lastDealEnd ? p.windowLast + 1 : p.lastDealEnd;
            if (freeAt < bestAt) (best, bestAt) = (id, freeAt);
        }
        require(best != 0, "top-up: no lazy provider");
        _rollTo(bestAt);
        _backAfterWithdraw(best);
        require(c.providerInfo(best).status == 1, "top-up: no lazy provider");
        return best;
    }

    /// @dev Whether the provider's latest assignment on slot `s` is open or fulfilled.
    function _holds(uint64 s, uint64 prov) internal view returns (bool) {
        if (s == 0) return false;
        uint256 aid = c.latestAssignment(s, prov);
        if (aid == 0) return false;
        uint8 st = c.assignmentInfo(aid).status;
        return st == 1 || st == 2;
    }

    /// @dev A window of an active lazy provider: slots are published until it is assigned one (the round robin
    ///      reaches it within a round; 24 slots cover three rounds of eight providers at R = 1).
    function _lazyWindow() internal returns (uint64 id, uint64 s, uint256 aid) {
        for (uint256 k = 0; k < 24; k++) {
            _fundTo(100 ether);
            id = _activeLazy();
            publish(0x7100 + k);
            s = slots[slots.length - 1];
            aid = _windowOn(s, id);
            if (aid != 0) return (id, s, aid);
        }
        revert("top-up: no lazy window");
    }

    /// @dev A deal of a lazy provider taken in a fresh window (activated on the market if asked).
    function _freshLazyDeal(bool activated) internal returns (uint64 id) {
        (uint64 prov, uint64 s, uint256 aid) = _lazyWindow();
        bool ok;
        (ok, id) = _dealIn(s, prov, c.assignmentInfo(aid).first, activated);
        require(ok, "top-up: lazy deal refused");
    }

    /// @dev A lazy provider lets its window close (a miss once settled); the slot is then offered again.
    function _driveMissAndOffer() internal {
        (, uint64 s, uint256 aid) = _lazyWindow();
        _rollTo(c.assignmentInfo(aid).last + 1);
        _settle(aid);
        // someone active is not holding the slot (the other assignees may all still hold it)
        _activeLazy(s);
        _fundTo(100 ether);
        _offer(s);
    }

    /// @dev One lazy provider misses window after window until the miss limit of its registration removes it
    ///      (the publications may settle its closed windows first; either way the misses remove it).
    function _driveRemovalByMisses() internal {
        uint64 id = _activeLazy();
        for (uint256 k = 0; k < 6 && c.providerInfo(id).status == 1; k++) {
            (uint64 got,, uint256 aid) = _lazyWindow();
            if (got != id) break; // it was removed while the slots were published
            _rollTo(c.assignmentInfo(aid).last + 1);
            _settle(aid);
        }
        require(c.providerInfo(id).status == 3, "top-up: not removed by misses");
        if (_zero(G.RemovedByMisses)) _count(G.RemovedByMisses); // removed inside a publication's settlement
    }

    /// @dev The reward per snapshot is raised past what the free pool can reserve for one replica (draining the
    ///      pool is not enough: windows that close inside the publication release their budgets first); the
    ///      publication then assigns no window; the old reward is restored.
    function _driveUnfunded() internal {
        FilFilStorage.Params memory p = c.getParams();
        uint256 reward = p.rewardPerSnapshot;
        p.rewardPerSnapshot = 1e9 ether;
        _setParams(p);
        publish(0x7200);
        p.rewardPerSnapshot = reward;
        _setParams(p);
    }

    /// @dev Three fresh honest deals reach their end: one never poked (unobserved), one last seen active early
    ///      (ended unconfirmed), one confirmed at its end (completed); the market then cleans them up.
    function _driveEnds() internal {
        uint64 a = _honestDeal();
        uint64 b = _honestDeal();
        uint64 d = _honestDeal();
        _rollTo(uint256(uint64(c.dealInfo(b).start)) + 1);
        _poke(b);
        _endConfirmed(d);
        _endAfter(a);
        _endAfter(b);
    }
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

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @notice The fuzzer calls the handler's actions only (never `topUp`, which ends each run).
    function targetSelectors() public view returns (FuzzSelector[] memory t) {
        t = new FuzzSelector[](1);
        t[0] = FuzzSelector(address(handler), handler.actions());
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

    /// @notice A provider is paid only for its own slot; no (replica, piece) pays twice. Each deal is read once
    ///         (memory stays linear in the number of deals; the pairwise checks compare the kept keys).
    function invariant_paidOnlyForOwnSlotAndOnce() public view {
        uint256 n = handler.dealCount();
        uint256[] memory ids = new uint256[](n);
        uint256[] memory replicaPiece = new uint256[](n); // assignment << 32 | piece index
        for (uint256 i = 0; i < n; i++) {
            uint64 id = handler.dealIds(i);
            FilFilStorage.Deal memory d = client.dealInfo(id);
            FilFilStorage.Assignment memory a = client.assignmentInfo(d.assignment);
            vm.assertEq(a.provider, d.provider, "deal provider is the assigned provider");
            vm.assertEq(a.slot, d.slot, "deal slot is the assignment's slot");
            vm.assertLt(d.pieceIndex, client.slotInfo(d.slot).pieceCount, "piece of that slot");
            ids[i] = id;
            replicaPiece[i] = (d.assignment << 32) | d.pieceIndex;
        }
        for (uint256 i = 0; i < n; i++) {
            for (uint256 j = i + 1; j < n; j++) {
                vm.assertTrue(replicaPiece[j] != replicaPiece[i], "one deal per replica piece");
                vm.assertTrue(ids[j] != ids[i], "deal recorded once");
            }
        }
    }

    /// @notice A provider's windows never overlap. Each assignment is read once (linear memory).
    function invariant_windowsNeverOverlap() public view {
        uint256 n = client.assignmentCount();
        uint64[] memory prov = new uint64[](n);
        uint64[] memory first = new uint64[](n);
        uint64[] memory last = new uint64[](n);
        for (uint256 i = 0; i < n; i++) {
            FilFilStorage.Assignment memory a = client.assignmentInfo(i + 1);
            (prov[i], first[i], last[i]) = (a.provider, a.first, a.last);
        }
        for (uint256 i = 0; i < n; i++) {
            for (uint256 j = i + 1; j < n; j++) {
                if (prov[i] == prov[j]) vm.assertTrue(last[i] < first[j] || last[j] < first[i], "overlap");
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

    /// @notice The handler's actions in a seeded random order (the same actions the invariant runs draw from),
    ///         then the same end-of-run check as every invariant run: top-up, every invariant, every transition.
    function test_handlerReachesEveryTransition() public {
        bytes4[] memory sel = handler.actions();
        for (uint256 i = 0; i < 250; i++) {
            uint256 r = uint256(keccak256(abi.encode("seq", i)));
            bytes4 f = sel[r % sel.length];
            bytes memory data = f == Handler.makeDeal.selector
                ? abi.encodeWithSelector(f, r >> 8, r >> 16, r >> 24)
                : abi.encodeWithSelector(f, r >> 8);
            (bool ok,) = address(handler).call(data);
            ok; // a reverted action changes nothing, as in the invariant runs
        }
        afterInvariant();
    }

    /// @notice The check fails when a transition was not reached: on a fresh handler (only the fixture's
    ///         registrations), and for each counter alone set to zero in the counts of a complete run. From the
    ///         fresh handler, the top-up alone reaches every transition with every invariant holding.
    function test_everyTransitionCheckFailsOnAZeroCounter() public {
        string[38] memory names = handler.ghostNames();
        uint256[] memory v = handler.ghosts();
        vm.expectRevert(bytes("transition never reached: reRegistered"));
        this.checkEveryTransition(v);
        afterInvariant(); // the top-up alone, from the fixture, drives every transition
        v = handler.ghosts();
        for (uint256 i = 0; i < v.length; i++) {
            uint256 keep = v[i];
            v[i] = 0;
            vm.expectRevert(bytes(string.concat("transition never reached: ", names[i])));
            this.checkEveryTransition(v);
            v[i] = keep;
        }
    }

    /// @notice End of every invariant run (and of the seeded test): prints how often the random run reached each
    ///         transition, drives every one it left at zero (`Handler.topUp`), re-checks every invariant on the
    ///         resulting state, prints the totals and requires every transition to have happened.
    function afterInvariant() public {
        uint256[] memory random = handler.ghosts();
        handler.topUp();
        uint256[] memory total = handler.ghosts();
        string[38] memory names = handler.ghostNames();
        uint256 driven;
        for (uint256 i = 0; i < total.length; i++) {
            if (random[i] == 0) driven++;
            console.log(string.concat("ghost ", names[i], " random/total"), random[i], total[i]);
        }
        console.log("transitions the random run left to the top-up", driven);
        this.invariant_fundsAccounting();
        this.invariant_paidOnlyForOwnSlotAndOnce();
        this.invariant_windowsNeverOverlap();
        this.invariant_deregisteredNeverAuthenticate();
        this.invariant_collateralSums();
        this.invariant_replicasBoundedAndPaidInWindow();
        this.invariant_honestNeverSlashed();
        this.invariant_activeCountMatches();
        this.checkEveryTransition(total);
    }

    /// @notice Reverts naming the first transition whose count is zero.
    function checkEveryTransition(uint256[] memory v) external view {
        string[38] memory names = handler.ghostNames();
        vm.assertEq(v.length, uint256(G.Count), "one count per transition");
        for (uint256 i = 0; i < v.length; i++) {
            if (v[i] == 0) revert(string.concat("transition never reached: ", names[i]));
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

