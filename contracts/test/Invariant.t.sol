// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {Test, console} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil, FilAddress, FilecoinCodec, ProposalFields, CidString} from "../src/lib/FilecoinTypes.sol";
import {CborWriter} from "../src/lib/Cbor.sol";
import {MockMarket, MockMiner, MockPower} from "./mocks/MockActors.sol";

/// @notice Random sequences of everything the operator, providers, Boost, the market and keepers can do.
contract Handler is Test {
    FilFilDealClient internal c;
    MockMarket internal market = MockMarket(Fil.MARKET_ACTOR);
    address internal operator;
    uint64 internal nextSlot = 1;
    uint64[] public dealIds;
    uint64[] public slots;
    uint256 public authPassedForDeregistered; // ghost: must stay 0
    uint256 public calls;

    constructor(FilFilDealClient c_, address operator_) {
        c = c_;
        operator = operator_;
    }

    function pool(uint256 seed) public pure returns (uint64) {
        return 1001 + uint64(seed % 8);
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

    function register(uint256 seed) external {
        calls++;
        uint64 id = pool(seed);
        if (c.providerInfo(id).status != 0) return;
        if (c.activeProviders() >= c.getParams().maxProviders) return;
        address ctl = ctlOf(id);
        address m = FilAddress.idToEvm(id);
        if (m.code.length == 0) vm.etch(m, address(new MockMiner()).code);
        MockMiner(m).setControlling(FilAddress.fromCaller(ctl), true);
        MockPower(0xFf00000000000000000000000000000000000004).setMiner(id, true);
        vm.deal(ctl, ctl.balance + 10 ether);
        vm.prank(ctl);
        c.register{value: 10 ether}(id, "https://retrieve.example/ipfs");
    }

    function unregister(uint256 seed) external {
        calls++;
        uint64 id = pool(seed);
        if (c.providerInfo(id).status != 1) return;
        vm.prank(ctlOf(id));
        c.unregister(id);
    }

    function withdraw(uint256 seed) external {
        calls++;
        uint64 id = pool(seed);
        FilFilStorage.Provider memory p = c.providerInfo(id);
        if ((p.status != 2 && p.status != 3) || block.number <= p.windowLast) return;
        vm.prank(ctlOf(id));
        c.withdrawCollateral(id);
    }

    function publish(uint256 seed) public {
        calls++;
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
        this.publish(seed);
        uint256 n = c.slotReplicas(slots[slots.length - 1]).length;
        for (uint256 i = 0; i < n; i++) {
            if ((seed >> i) & 3 != 0) this.makeDeal(slots.length - 1, 1 + 4 * i, seed >> 8);
        }
    }

    function makeDeal(uint256 slotSeed, uint256 provSeed, uint256 pieceSeed) public {
        calls++;
        if (slots.length == 0) return;
        uint64 s = slots[slotSeed % slots.length];
        FilFilStorage.Slot memory sl = c.slotInfo(s);
        uint32 idx = uint32(pieceSeed % sl.pieceCount);
        // mostly one of the slot's assigned providers (honest SPs), sometimes anyone from the pool
        FilFilStorage.ReplicaView[] memory r = c.slotReplicas(s);
        uint64 prov = provSeed % 4 != 0 && r.length > 0 ? r[(provSeed / 4) % r.length].provider : pool(provSeed);
        string memory loc = string.concat("https://sp-", vm.toString(uint256(prov)), ".example/slot.car");
        vm.prank(operator);
        try c.proposeDeal(s, idx, loc, c.pieceInfo(s, idx).carSize) returns (bytes32 id) {
            bytes memory p = _withProvider(c.getDealProposal(id), prov);
            (bool ok,) = address(c).staticcall(abi.encodeCall(FilFilDealClient.authenticate, (_authParams(p))));
            uint8 st = c.providerInfo(prov).status;
            if (ok && st != 1 && st != 2) authPassedForDeregistered++;
            if (!ok) return;
            uint64 dealId = market.nextDealId();
            bytes[] memory arr = new bytes[](1);
            arr[0] = p;
            market.publishStorageDeals(address(c), arr);
            dealIds.push(dealId);
        } catch {}
    }

    function advance(uint256 seed) external {
        calls++;
        uint256 step = seed % 8 == 0 ? 1 + seed % 400_000 : 1 + seed % 60;
        vm.roll(block.number + step);
    }

    function activate(uint256 seed) external {
        calls++;
        if (dealIds.length == 0) return;
        uint64 id = dealIds[seed % dealIds.length];
        (, bool expired, int64 activated) = market.deals(id);
        FilFilStorage.Deal memory d = c.dealInfo(id);
        if (expired || activated != -1 || int64(uint64(block.number)) > d.start) return;
        market.activate(id, int64(uint64(block.number)));
    }

    function expire(uint256 seed) external {
        calls++;
        if (dealIds.length == 0) return;
        market.expire(dealIds[seed % dealIds.length]);
    }

    function poke(uint256 seed) external {
        calls++;
        if (dealIds.length == 0) return;
        try c.poke(dealIds[seed % dealIds.length]) {} catch {}
    }

    function claim(uint256 seed) external {
        calls++;
        if (dealIds.length == 0) return;
        uint64 id = dealIds[seed % dealIds.length];
        vm.prank(c.dealInfo(id).payee);
        try c.claim(id) {} catch {}
    }

    function offer(uint256 seed) external {
        calls++;
        if (slots.length == 0) return;
        try c.offer(slots[seed % slots.length]) {} catch {}
    }

    function settle(uint256 seed) external {
        calls++;
        uint256 n = c.assignmentCount();
        if (n == 0) return;
        try c.settle(1 + seed % n) {} catch {}
    }

    function fund(uint256 amount) external {
        calls++;
        amount = amount % 50 ether;
        vm.deal(address(this), address(this).balance + amount);
        c.fundRewards{value: amount}();
    }

    function withdrawPool(uint256 amount) external {
        calls++;
        amount = amount % (c.rewardPool() + 1);
        vm.prank(operator);
        c.withdrawRewardPool(payable(address(0xD00D)), amount);
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

    /// @notice Per run: the random sequence did real work (so the properties above are not vacuous).
    function afterInvariant() public view {
        console.log("deals recorded", handler.dealCount());
        console.log("terminated/forfeited wei", client.totalForfeited());
        console.log("claimed wei", client.totalClaimed());
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
