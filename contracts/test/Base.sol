// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Test, Vm} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilDealClientExt} from "../src/FilFilDealClientExt.sol";
import {FilFilRewardsExt} from "../src/FilFilRewardsExt.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil, FilAddress, FilecoinCodec, DecodedProposal, ProposalFields} from "../src/lib/FilecoinTypes.sol";
import {CborReader, CborWriter} from "../src/lib/Cbor.sol";
import {FilecoinActors} from "../src/lib/FilecoinActors.sol";
import {MockCallActorId, MockMarket, MockMiner, MockDataCap, MockPower} from "./mocks/MockActors.sol";

/// @notice Shared fixture: mock actors etched at their FEVM addresses, a deployed client, helpers that act as
///         the operator, providers and Boost.
abstract contract Base is Test {
    FilFilDealClient internal client;
    MockMarket internal market = MockMarket(Fil.MARKET_ACTOR);
    MockDataCap internal datacap = MockDataCap(Fil.DATACAP_ACTOR);
    address internal operator = address(0x0FE7A70E);
    uint64 internal constant CLIENT_ACTOR_ID = 1500;
    uint64 internal constant PIECE_SIZE = 1 << 20; // 1 MiB padded
    uint64 internal constant CAR_SIZE = 1_000_000;
    string internal constant LOCATION = "https://snapshots.example/filfil/slot.car";
    string internal constant URL = "https://retrieve.example/ipfs";
    uint256 internal constant COLLATERAL = 10 ether;
    address internal constant POWER_ACTOR = 0xFf00000000000000000000000000000000000004;

    function setUp() public virtual {
        vm.etch(FilecoinActors.CALL_ACTOR_ID, address(new MockCallActorId()).code);
        vm.etch(Fil.MARKET_ACTOR, address(new MockMarket()).code);
        vm.etch(Fil.DATACAP_ACTOR, address(new MockDataCap()).code);
        vm.etch(POWER_ACTOR, address(new MockPower()).code);
        vm.roll(1000);
        client = deploy(operator, defaultParams());
        market.setActorId(address(client), CLIENT_ACTOR_ID);
        market.setDealIdBase(5000);
        vm.deal(address(this), 1e30);
        client.fundRewards{value: 1000 ether}();
    }

    function deploy(address owner_, FilFilStorage.Params memory p) internal returns (FilFilDealClient) {
        return new FilFilDealClient(owner_, p, address(new FilFilDealClientExt()), address(new FilFilRewardsExt()));
    }

    /// @dev Tests poke as keepers and may earn bounties.
    receive() external payable {}

    function defaultParams() internal pure returns (FilFilStorage.Params memory p) {
        p.minCollateral = COLLATERAL;
        p.rewardPerSnapshot = 3 ether;
        p.pricePerEpoch = 0;
        p.providerCollateralPerGiB = 1e15;
        p.windowLength = 120;
        p.term = uint64(uint64(Fil.MAX_DEAL_DURATION));
        p.slotLifetime = 5 * 365 * 2880;
        p.startDelay = 3 * 2880;
        p.renewLead = 14 * 2880;
        p.maxProviders = 50;
        p.replicas = 3;
        p.missLimit = 3;
        p.slashBps = 5000;
        p.verifiedDeals = false;
    }

    function controllerOf(uint64 id) internal pure returns (address) {
        return address(uint160(0xC0000000 + id));
    }

    address private _minerTemplate; // one MockMiner deployed, its code etched at every miner address

    function etchMiner(uint64 id, address ctl) internal {
        address m = FilAddress.idToEvm(id);
        if (_minerTemplate == address(0)) _minerTemplate = address(new MockMiner());
        if (m.code.length == 0) vm.etch(m, _minerTemplate.code);
        MockMiner(m).setControlling(FilAddress.fromCaller(ctl), true);
        MockPower(POWER_ACTOR).setMiner(id, true);
    }

    function addProvider(uint64 id) internal returns (address ctl) {
        ctl = controllerOf(id);
        etchMiner(id, ctl);
        vm.deal(ctl, 100 ether);
        vm.prank(ctl);
        client.register{value: COLLATERAL}(id, URL);
    }

    function pieceCid(uint64 slot, uint32 i) internal pure returns (bytes memory) {
        return abi.encodePacked(hex"0181e203922020", keccak256(abi.encode("piece", slot, i)));
    }

    function pieces(uint64 slot, uint32 n) internal pure returns (FilFilStorage.PieceInput[] memory ps) {
        ps = new FilFilStorage.PieceInput[](n);
        for (uint32 i = 0; i < n; i++) {
            ps[i] = FilFilStorage.PieceInput({pieceCid: pieceCid(slot, i), paddedSize: PIECE_SIZE, carSize: CAR_SIZE});
        }
    }

    function publish(uint64 slot, uint32 n) internal {
        FilFilStorage.PieceInput[] memory ps = pieces(slot, n);
        vm.prank(operator);
        client.publishSlot(slot, ps);
    }

    /// @notice A proposal by the operator (valid for any assigned provider).
    function propose(uint64 slot, uint32 idx) internal returns (bytes32) {
        vm.prank(operator);
        return client.proposeDeal(slot, idx, LOCATION, CAR_SIZE);
    }

    function locationOf(uint64 minerId) internal pure returns (string memory) {
        return string.concat("https://sp-", vm.toString(uint256(minerId)), ".example/slot.car");
    }

    /// @notice What Boost submits: our proposal with the provider replaced by the SP's ID address.
    function withProvider(bytes memory m, uint64 minerId) internal pure returns (bytes memory) {
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);
        bytes memory idAddr = FilAddress.fromId(minerId);
        bytes memory head = CborReader.slice(m, 0, p.providerStart - 1);
        bytes memory tail =
            CborReader.slice(m, p.providerStart + p.providerLen, m.length - p.providerStart - p.providerLen);
        return bytes.concat(head, bytes1(uint8(0x40 + idAddr.length)), idAddr, tail);
    }

    /// @notice The proposal with its start, end and provider collateral replaced (a dishonest or buggy SP).
    function withTerms(bytes memory m, int64 start, int64 end, uint256 providerCollateral)
        internal
        pure
        returns (bytes memory)
    {
        ProposalFields memory f = fieldsOf(m);
        f.startEpoch = start;
        f.endEpoch = end;
        f.providerCollateral = providerCollateral;
        return FilecoinCodec.encodeDealProposal(f);
    }

    /// @notice The fields of an encoded DealProposal, to rebuild it with some changed.
    function fieldsOf(bytes memory m) internal pure returns (ProposalFields memory f) {
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);
        f.pieceCid = CborReader.slice(m, p.pieceCidStart, p.pieceCidLen);
        f.pieceSize = p.pieceSize;
        f.verified = p.verified;
        f.client = CborReader.slice(m, p.clientStart, p.clientLen);
        f.provider = CborReader.slice(m, p.providerStart, p.providerLen);
        f.label = string(CborReader.slice(m, p.labelStart, p.labelLen));
        f.startEpoch = p.startEpoch;
        f.endEpoch = p.endEpoch;
        f.price = p.price;
        f.providerCollateral = p.providerCollateral;
        f.clientCollateral = p.clientCollateral;
    }

    function boostProposal(bytes32 id, uint64 minerId) internal view returns (bytes memory) {
        return withProvider(client.getDealProposal(id), minerId);
    }

    function authParams(bytes memory proposalBytes) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(proposalBytes.length + 16);
        CborWriter.writeArrayHeader(b, 2);
        CborWriter.writeBytes(b, hex"dead");
        CborWriter.writeBytes(b, proposalBytes);
        return CborWriter.finish(b);
    }

    function notifyParams(bytes memory proposalBytes, uint64 dealId) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(proposalBytes.length + 16);
        CborWriter.writeArrayHeader(b, 2);
        CborWriter.writeBytes(b, proposalBytes);
        CborWriter.writeUint(b, dealId);
        return CborWriter.finish(b);
    }

    function one(bytes memory x) internal pure returns (bytes[] memory arr) {
        arr = new bytes[](1);
        arr[0] = x;
    }

    /// @notice Full Boost flow for one piece: proposal, PublishStorageDeals (authenticate + notify).
    function dealFor(uint64 slot, uint32 idx, uint64 minerId) internal returns (uint64) {
        // each provider's bot proposes with its own location (where it serves the CAR from)
        vm.prank(controllerOf(minerId));
        bytes32 id = client.proposeDeal(slot, idx, locationOf(minerId), CAR_SIZE);
        (uint64[] memory ids,) = market.publishStorageDeals(address(client), one(boostProposal(id, minerId)));
        return ids[0];
    }

    /// @notice Providers assigned to a slot, in assignment order.
    function assignedTo(uint64 slot) internal view returns (uint64[] memory out) {
        FilFilStorage.ReplicaView[] memory r = client.slotReplicas(slot);
        out = new uint64[](r.length);
        for (uint256 i = 0; i < r.length; i++) {
            out[i] = r[i].provider;
        }
    }

    function expectAuthRevert(bytes memory proposalBytes, bytes memory err) internal {
        bytes memory ps = authParams(proposalBytes);
        vm.prank(Fil.MARKET_ACTOR);
        vm.expectRevert(err);
        client.handle_filecoin_method(Fil.AUTHENTICATE_MESSAGE_METHOD, Fil.CODEC_CBOR, ps);
    }

    function authOk(bytes memory proposalBytes) internal view returns (bool ok) {
        (ok,) = address(client).staticcall(abi.encodeCall(FilFilDealClient.authenticate, (authParams(proposalBytes))));
    }
}
