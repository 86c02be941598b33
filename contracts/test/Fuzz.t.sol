// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {CodecHarness} from "./Cbor.t.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil, FilAddress, FilecoinCodec, DecodedProposal, ProposalFields} from "../src/lib/FilecoinTypes.sol";
import {CborReader} from "../src/lib/Cbor.sol";

/// @notice Property tests; forge runs each with foundry.toml's [fuzz] runs (10,000).
contract CodecFuzzTest is Base {
    CodecHarness internal h;

    function setUp() public override {
        h = new CodecHarness();
    }

    function _headLen(uint64 v) internal pure returns (uint256) {
        if (v < 24) return 1;
        if (v <= 0xff) return 2;
        if (v <= 0xffff) return 3;
        if (v <= 0xffffffff) return 5;
        return 9;
    }

    function testFuzz_uintRoundTripShortest(uint64 v) public view {
        bytes memory e = h.uintBytes(v);
        vm.assertEq(e.length, _headLen(v), "shortest form");
        vm.assertEq(uint8(e[0]) >> 5, 0, "major 0");
        vm.assertEq(h.readUint(e), v, "round trip");
    }

    function testFuzz_intRoundTrip(int64 v) public view {
        bytes memory e = h.intBytes(v);
        uint64 arg = v >= 0 ? uint64(v) : uint64(-(v + 1));
        vm.assertEq(e.length, _headLen(arg), "shortest form");
        vm.assertEq(uint8(e[0]) >> 5, v >= 0 ? 0 : 1, "major");
        vm.assertEq(int256(h.readInt(e)), int256(v), "round trip");
    }

    function testFuzz_bigIntRoundTrip(uint256 v) public view {
        bytes memory e = h.bigBytes(v);
        (uint256 back, bool neg) = h.readBigInt(e);
        vm.assertEq(back, v, "round trip");
        vm.assertFalse(neg, "non-negative");
        if (v != 0) vm.assertEq(uint8(e[e.length > 24 + 1 ? 2 : 1]), 0, "sign byte 0");
    }

    function testFuzz_idAddressRoundTrip(uint64 id) public view {
        bytes memory a = FilAddress.fromId(id);
        (bool ok, uint64 back) = h.parseId(a);
        vm.assertTrue(ok, "parses");
        vm.assertEq(back, id, "same id");
        (bool isId, uint64 masked) = FilAddress.maskedId(FilAddress.idToEvm(id));
        vm.assertTrue(isId && masked == id, "masked form");
    }

    function testFuzz_dealProposalRoundTrip(
        bytes32 digest,
        uint8 sizeLog,
        bool verified,
        address clientAddr,
        uint64 providerId,
        int64 start,
        int64 end,
        uint256 price,
        uint256 pcoll,
        uint256 ccoll,
        uint8 labelLen
    ) public view {
        bytes memory label = new bytes(labelLen);
        for (uint256 i = 0; i < labelLen; i++) {
            label[i] = bytes1(uint8(0x61 + (uint8(digest[i % 32]) % 26)));
        }
        ProposalFields memory f = ProposalFields({
            pieceCid: abi.encodePacked(hex"0181e203922020", digest),
            pieceSize: uint64(1) << uint64(bound(sizeLog, 7, 36)),
            verified: verified,
            client: FilAddress.fromEth(clientAddr),
            provider: FilAddress.fromId(providerId),
            label: string(label),
            startEpoch: start,
            endEpoch: end,
            price: price,
            providerCollateral: pcoll,
            clientCollateral: ccoll
        });
        bytes memory e = h.encodeProposal(f);
        DecodedProposal memory p = h.decodeProposal(e);
        vm.assertEq(CborReader.slice(e, p.pieceCidStart, p.pieceCidLen), f.pieceCid, "cid");
        vm.assertEq(p.pieceSize, f.pieceSize, "size");
        vm.assertEq(p.verified, verified, "verified");
        vm.assertEq(CborReader.slice(e, p.clientStart, p.clientLen), f.client, "client");
        (, uint64 prov) = FilAddress.parseId(e, p.providerStart, p.providerLen);
        vm.assertEq(prov, providerId, "provider");
        vm.assertEq(CborReader.slice(e, p.labelStart, p.labelLen), label, "label");
        vm.assertEq(int256(p.startEpoch), int256(start), "start");
        vm.assertEq(int256(p.endEpoch), int256(end), "end");
        vm.assertEq(p.price, price, "price");
        vm.assertEq(p.providerCollateral, pcoll, "pcoll");
        vm.assertEq(p.clientCollateral, ccoll, "ccoll");
    }
}

contract ProtocolFuzzTest is Base {
    function setUp() public override {
        super.setUp();
        for (uint64 i = 0; i < 6; i++) {
            addProvider(1001 + i);
        }
        publish(1, 1); // 1001..1003, window [1000, 1119]
    }

    /// @notice A provider is paid only for its own slot: authentication passes exactly for the slot's assigned
    ///         providers, inside their window.
    function testFuzz_onlyAssignedProviderInWindowAuthenticates(uint64 providerId, uint256 epoch) public {
        providerId = uint64(bound(providerId, 990, 1010));
        epoch = bound(epoch, 900, 1300);
        bytes32 id = propose(1, 0);
        bytes memory p = boostProposal(id, providerId);
        vm.roll(epoch);
        bool assigned = providerId >= 1001 && providerId <= 1003;
        bool inWindow = epoch >= 1000 && epoch <= 1119;
        vm.assertEq(authOk(p), assigned && inWindow, "authenticates iff assigned and in window");
        if (assigned && inWindow) {
            uint64 dealId = market.nextDealId();
            market.publishStorageDeals(address(client), one(p));
            vm.assertEq(client.dealInfo(dealId).provider, providerId, "recorded for itself");
            vm.assertEq(client.dealInfo(dealId).slot, 1, "for its slot");
        } else {
            vm.expectRevert(bytes("All deal proposals invalid"));
            market.publishStorageDeals(address(client), one(p));
        }
    }

    /// @notice No slot pays twice: however many times assigned providers publish, each (replica, piece) is
    ///         recorded once and the rewards reserved equal one deal per replica.
    function testFuzz_noSlotPaysTwice(uint8 attempts, uint256 seed) public {
        attempts = uint8(bound(attempts, 1, 12));
        bytes32 id = propose(1, 0);
        uint256 recorded;
        for (uint256 i = 0; i < attempts; i++) {
            uint64 prov = 1001 + uint64(uint256(keccak256(abi.encode(seed, i))) % 3);
            bytes memory p = boostProposal(id, prov);
            bool ok = authOk(p);
            if (ok) {
                market.publishStorageDeals(address(client), one(p));
                recorded++;
            }
        }
        FilFilStorage.ReplicaView[] memory r = client.slotReplicas(1);
        uint256 withDeal;
        for (uint256 i = 0; i < r.length; i++) {
            if (r[i].dealIds[0] >= 0) withDeal++;
        }
        vm.assertEq(withDeal, recorded, "one deal per replica");
        vm.assertLe(recorded, 3, "at most R");
        vm.assertEq(client.reservedRewards() - client.windowReserved(), recorded * 3 ether, "paid once per replica");
    }

    /// @notice Vesting is linear, monotone and bounded; claims never exceed the reward.
    function testFuzz_vestingMonotoneAndBounded(uint256 t1, uint256 t2) public {
        uint64 dealId = dealFor(1, 0, 1001);
        FilFilStorage.Deal memory d = client.dealInfo(dealId);
        market.activate(dealId, d.start);
        t1 = bound(t1, 1001, uint256(uint64(d.end)) + 10_000);
        t2 = bound(t2, t1, uint256(uint64(d.end)) + 20_000);
        vm.roll(t1);
        client.poke(dealId);
        uint256 v1 = client.vested(dealId);
        vm.roll(t2);
        client.poke(dealId);
        uint256 v2 = client.vested(dealId);
        vm.assertLe(v1, v2, "monotone");
        vm.assertLe(v2, d.reward, "bounded");
        uint256 expect = t2 >= uint256(uint64(d.end))
            ? d.reward
            : t2 <= uint256(uint64(d.start)) ? 0 : d.reward * (t2 - uint256(uint64(d.start))) / uint256(uint64(d.end - d.start));
        vm.assertEq(v2, expect, "linear");
        if (v2 > 0) {
            vm.prank(controllerOf(1001));
            vm.assertEq(client.claim(dealId), v2, "claims what vested");
        }
    }

    /// @notice A provider's windows never overlap, however fast the operator publishes.
    function testFuzz_windowsNeverOverlap(uint32 gapSeed, uint8 slots) public {
        slots = uint8(bound(slots, 2, 5));
        uint256 t = block.number;
        for (uint64 s = 2; s < 2 + slots; s++) {
            t += uint256(keccak256(abi.encode(gapSeed, s))) % 200;
            vm.roll(t);
            publish(s, 1);
        }
        uint256 n = client.assignmentCount();
        for (uint256 i = 1; i <= n; i++) {
            FilFilStorage.Assignment memory a = client.assignmentInfo(i);
            vm.assertEq(a.last - a.first + 1, 120, "full window");
            for (uint256 j = i + 1; j <= n; j++) {
                FilFilStorage.Assignment memory b = client.assignmentInfo(j);
                if (a.provider == b.provider) {
                    vm.assertTrue(a.last < b.first || b.last < a.first, "no overlap");
                }
            }
        }
    }
}
