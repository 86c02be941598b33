// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Test} from "./utils/Test.sol";
import {CborWriter, CborReader} from "../src/lib/Cbor.sol";
import {
    Fil, FilAddress, FilecoinCodec, CidString, DecodedProposal, ProposalFields
} from "../src/lib/FilecoinTypes.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";

/// @notice External wrappers so reverts inside the internal libraries can be asserted.
contract CodecHarness {
    using CborWriter for CborWriter.Buf;

    function uintBytes(uint64 v) external pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(1);
        b.writeUint(v);
        return b.finish();
    }

    function intBytes(int64 v) external pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(1);
        b.writeInt(v);
        return b.finish();
    }

    function bigBytes(uint256 v) external pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(1);
        b.writeBigInt(v);
        return b.finish();
    }

    function textBytes(string calldata s) external pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(1); // forces the buffer to grow
        b.writeText(s);
        return b.finish();
    }

    function readUint(bytes calldata d) external pure returns (uint64 v) {
        uint256 q;
        (v, q) = CborReader.readUint(d, 0);
        CborReader.requireEnd(d, q);
    }

    function readInt(bytes calldata d) external pure returns (int64 v) {
        uint256 q;
        (v, q) = CborReader.readInt(d, 0);
        CborReader.requireEnd(d, q);
    }

    function readBool(bytes calldata d) external pure returns (bool v) {
        return FilecoinCodec.decodeBool(d);
    }

    function readBigInt(bytes calldata d) external pure returns (uint256 v, bool neg) {
        uint256 q;
        (v, neg, q) = CborReader.readBigInt(d, 0);
        CborReader.requireEnd(d, q);
    }

    function readCid(bytes calldata d) external pure returns (bytes memory) {
        bytes memory m = d;
        (uint256 s, uint256 l, uint256 q) = CborReader.readCidRef(m, 0);
        CborReader.requireEnd(m, q);
        return CborReader.slice(m, s, l);
    }

    function readBytes(bytes calldata d) external pure returns (bytes memory v) {
        uint256 q;
        (v, q) = CborReader.readBytes(d, 0);
        CborReader.requireEnd(d, q);
    }

    function decodeProposal(bytes calldata d) external pure returns (DecodedProposal memory) {
        return FilecoinCodec.decodeDealProposal(d);
    }

    function encodeProposal(ProposalFields calldata f) external pure returns (bytes memory) {
        return FilecoinCodec.encodeDealProposal(f);
    }

    function extraParams(string calldata loc, uint64 car, bool a, bool b) external pure returns (bytes memory) {
        return FilecoinCodec.encodeExtraParamsV1(loc, car, a, b);
    }

    function authMessage(bytes calldata d) external pure returns (bytes memory) {
        return FilecoinCodec.decodeAuthenticateMessageParams(d);
    }

    function notifyParams(bytes calldata d) external pure returns (bytes memory, uint64) {
        return FilecoinCodec.decodeMarketNotifyDealParams(d);
    }

    function activation(bytes calldata d) external pure returns (int64, int64) {
        return FilecoinCodec.decodeDealActivation(d);
    }

    function sectorLocation(bytes calldata d) external pure returns (uint8, int64, int64) {
        return FilecoinCodec.decodeSectorLocation(d);
    }

    function frc46(bytes calldata d) external pure returns (uint64, uint64, uint64, uint256) {
        return FilecoinCodec.decodeFrc46Received(d);
    }

    function parseId(bytes calldata a) external pure returns (bool, uint64) {
        bytes memory m = a;
        return FilAddress.parseId(m, 0, m.length);
    }
}

/// @notice Byte-exact checks against the layouts Go (cbor-gen, go-state-types) and Rust (fvm_ipld_encoding,
///         builtin-actors) produce. Every expected byte string below is written from the spec, not produced by the
///         code under test.
contract CborTest is Test {
    CodecHarness internal h;

    // Piece CID v1: 0x01 (v1) 0x81e203 (fil-commitment-unsealed 0xf101) 0x9220 (sha2-256-trunc254-padded 0x1012)
    // 0x20 (32-byte digest) then digest 00..1f.
    bytes internal constant PIECE_CID =
        hex"0181e203922020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    // base32 (RFC 4648, lower case, unpadded) of PIECE_CID with multibase prefix "b" (computed independently)
    string internal constant PIECE_LABEL = "baga6ea4seaqaaaicamcakbqhbaequcymbuha6earcijrifiwc4mbsgq3dqor4hy";

    // DealProposal [piece_cid, 2048, true, f410(0x11…11), f01234, label, 10101, 528501, 0, 1e15, 0]
    bytes internal constant DEAL_PROPOSAL = hex"8b" hex"d82a5828000181e203922020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        hex"190800" // piece_size 2048
        hex"f5" // verified_deal true
        hex"56040a1111111111111111111111111111111111111111" // client: bytes(22) 0x04 0x0a + 20 bytes
        hex"4300d209" // provider f01234: bytes(3) 0x00 + LEB128(1234) = d2 09
        hex"7840"
        hex"6261676136656134736561716161616963616d63616b627168626165717563796d627568613665617263696a726966697763346d627367713364716f72346879"
        hex"192775" // start_epoch 10101
        hex"1a00081075" // end_epoch 528501
        hex"40" // price 0: empty byte string
        hex"4800038d7ea4c68000" // provider_collateral 1e15: sign 00 + 7 bytes
        hex"40"; // client_collateral 0

    function setUp() public {
        h = new CodecHarness();
    }

    function test_uint_shortestForm() public view {
        vm.assertEq(h.uintBytes(0), hex"00", "0");
        vm.assertEq(h.uintBytes(23), hex"17", "23");
        vm.assertEq(h.uintBytes(24), hex"1818", "24");
        vm.assertEq(h.uintBytes(255), hex"18ff", "255");
        vm.assertEq(h.uintBytes(256), hex"190100", "256");
        vm.assertEq(h.uintBytes(65535), hex"19ffff", "65535");
        vm.assertEq(h.uintBytes(65536), hex"1a00010000", "65536");
        vm.assertEq(h.uintBytes(4294967295), hex"1affffffff", "2^32-1");
        vm.assertEq(h.uintBytes(4294967296), hex"1b0000000100000000", "2^32");
        vm.assertEq(h.uintBytes(type(uint64).max), hex"1bffffffffffffffff", "max");
    }

    function test_int_majorOneForNegatives() public view {
        vm.assertEq(h.intBytes(-1), hex"20", "-1");
        vm.assertEq(h.intBytes(-24), hex"37", "-24");
        vm.assertEq(h.intBytes(-25), hex"3818", "-25");
        vm.assertEq(h.intBytes(-257), hex"390100", "-257");
        vm.assertEq(h.intBytes(type(int64).min), hex"3b7fffffffffffffff", "min");
        vm.assertEq(h.intBytes(type(int64).max), hex"1b7fffffffffffffff", "max");
        vm.assertEq(int256(h.readInt(hex"3b7fffffffffffffff")), int256(type(int64).min), "read min");
        vm.assertEq(int256(h.readInt(hex"20")), -1, "read -1");
    }

    function test_bigInt_filecoinTokenAmount() public view {
        vm.assertEq(h.bigBytes(0), hex"40", "zero is the empty byte string");
        vm.assertEq(h.bigBytes(1), hex"420001", "1");
        vm.assertEq(h.bigBytes(256), hex"43000100", "256");
        vm.assertEq(h.bigBytes(1 ether), hex"49000de0b6b3a7640000", "1 FIL");
        vm.assertEq(
            h.bigBytes(type(uint256).max),
            hex"582100ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "max"
        );
        (uint256 v, bool neg) = h.readBigInt(hex"49000de0b6b3a7640000");
        vm.assertEq(v, 1 ether, "read 1 FIL");
        vm.assertFalse(neg, "positive");
        (v, neg) = h.readBigInt(hex"420105");
        vm.assertEq(v, 5, "read -5 magnitude");
        vm.assertTrue(neg, "negative");
        (v,) = h.readBigInt(hex"40");
        vm.assertEq(v, 0, "empty = 0");
    }

    function test_text_growsBuffer() public view {
        string memory s = "https://snapshots.example/a-long-enough-location-to-force-growth.car";
        vm.assertEq(h.textBytes(s), bytes.concat(hex"7844", bytes(s)), "text with 1-byte length");
    }

    function test_dealProposal_encodeMatchesSpecBytes() public view {
        ProposalFields memory f = ProposalFields({
            pieceCid: PIECE_CID,
            pieceSize: 2048,
            verified: true,
            client: FilAddress.fromEth(address(0x1111111111111111111111111111111111111111)),
            provider: FilAddress.fromId(1234),
            label: PIECE_LABEL,
            startEpoch: 10101,
            endEpoch: 528501,
            price: 0,
            providerCollateral: 1e15,
            clientCollateral: 0
        });
        vm.assertEq(h.encodeProposal(f), DEAL_PROPOSAL, "DealProposal bytes");
    }

    function test_dealProposal_decode() public view {
        DecodedProposal memory p = h.decodeProposal(DEAL_PROPOSAL);
        vm.assertEq(p.pieceCidLen, 39, "cid len");
        vm.assertEq(p.pieceSize, 2048, "size");
        vm.assertTrue(p.verified, "verified");
        vm.assertEq(p.clientLen, 22, "client len");
        vm.assertEq(p.providerLen, 3, "provider len");
        vm.assertEq(p.labelMajor, 3, "label is text");
        vm.assertEq(p.labelLen, 64, "label len");
        vm.assertEq(int256(p.startEpoch), 10101, "start");
        vm.assertEq(int256(p.endEpoch), 528501, "end");
        vm.assertEq(p.price, 0, "price");
        vm.assertEq(p.providerCollateral, 1e15, "pcoll");
        vm.assertEq(p.clientCollateral, 0, "ccoll");
        bytes memory d = DEAL_PROPOSAL;
        (bool ok, uint64 id) = FilAddress.parseId(d, p.providerStart, p.providerLen);
        vm.assertTrue(ok, "provider is f0");
        vm.assertEq(id, 1234, "provider id");
    }

    function test_dealProposal_rejectsBadShapes() public {
        vm.expectRevert(abi.encodeWithSelector(FilecoinCodec.WrongArrayLength.selector, 11, 10));
        h.decodeProposal(bytes.concat(hex"8a", _tail(DEAL_PROPOSAL)));
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborTrailingBytes.selector, DEAL_PROPOSAL.length, DEAL_PROPOSAL.length + 1));
        h.decodeProposal(bytes.concat(DEAL_PROPOSAL, hex"00"));
        // negative price (sign byte 01)
        bytes memory neg = DEAL_PROPOSAL;
        uint256 pos = neg.length - 1 - 9 - 1; // the price item "40" before provider collateral
        vm.assertEq(uint8(neg[pos]), 0x40, "located price");
        bytes memory withNeg = bytes.concat(CborReader.slice(neg, 0, pos), hex"420101", _from(neg, pos + 1));
        vm.expectRevert(FilecoinCodec.NegativeTokenAmount.selector);
        h.decodeProposal(withNeg);
    }

    function test_extraParamsV1_matchesCborGenLayout() public view {
        // 0x84 array(4), 0x6f text(15), uint 1000000 = 1a000f4240, false, false
        vm.assertEq(
            h.extraParams("https://x/y.car", 1_000_000, false, false),
            hex"846f68747470733a2f2f782f792e6361721a000f4240f4f4",
            "ExtraParamsV1"
        );
        vm.assertEq(h.extraParams("", 0, true, false), hex"846000f5f4", "empty url, flags");
    }

    function test_authenticateMessageParams_decode() public view {
        // [bytes(2) dead, bytes(161) <proposal>]: 0x82 0x42 dead 0x58 0xa1 ...
        bytes memory params = bytes.concat(hex"8242dead58a1", DEAL_PROPOSAL);
        vm.assertEq(DEAL_PROPOSAL.length, 0xa1, "proposal length");
        vm.assertEq(h.authMessage(params), DEAL_PROPOSAL, "message");
    }

    function test_marketNotifyParams_decode() public view {
        bytes memory params = bytes.concat(hex"8258a1", DEAL_PROPOSAL, hex"1a000f4241");
        (bytes memory m, uint64 id) = h.notifyParams(params);
        vm.assertEq(m, DEAL_PROPOSAL, "proposal");
        vm.assertEq(id, 1_000_001, "deal id");
    }

    function test_dealActivation_decode() public view {
        (int64 a, int64 t) = h.activation(hex"822020");
        vm.assertEq(int256(a), -1, "unactivated");
        vm.assertEq(int256(t), -1, "not terminated");
        (a, t) = h.activation(hex"821a0001e24020");
        vm.assertEq(int256(a), 123456, "activated");
        vm.assertEq(int256(t), -1, "not terminated");
    }

    /// @notice FIP-0112 and GetDealSector layouts (builtin-actors miner/src/types.rs, market/src/types.rs).
    function test_sectorStatus_layouts() public {
        // GetDealSectorReturn is transparent: the sector number, 5000
        vm.assertEq(uint256(FilecoinCodec.decodeUint(hex"191388")), 5000, "GetDealSector return");
        // GenerateSectorLocationParams is a one-field tuple: [5000]
        vm.assertEq(FilecoinCodec.encodeSectorNumberTuple(5000), hex"81191388", "GenerateSectorLocation params");
        // ValidateSectorStatusParams [5000, Active, bytes([3, 0])] and [5000, Dead, bytes([-1, -1])]
        vm.assertEq(
            FilecoinCodec.encodeValidateSectorStatus(5000, Fil.SECTOR_ACTIVE, 3, 0),
            hex"831913880143820300",
            "ValidateSectorStatus params"
        );
        vm.assertEq(
            FilecoinCodec.encodeValidateSectorStatus(5000, Fil.SECTOR_DEAD, -1, -1),
            hex"831913880043822020",
            "no location"
        );
        // GenerateSectorLocationReturn [status, bytes(SectorLocation)]: Faulty at (47, 300); Dead at (-1, -1)
        (uint8 st, int64 dl, int64 pt) = h.sectorLocation(hex"82024682182f19012c");
        vm.assertEq(uint256(st), 2, "faulty");
        vm.assertEq(int256(dl), 47, "deadline");
        vm.assertEq(int256(pt), 300, "partition");
        (st, dl, pt) = h.sectorLocation(hex"820043822020");
        vm.assertEq(uint256(st), 0, "dead");
        vm.assertEq(int256(dl), -1, "no deadline");
        vm.assertEq(int256(pt), -1, "no partition");
        vm.expectRevert(abi.encodeWithSelector(FilecoinCodec.BadSectorStatus.selector, uint64(3)));
        h.sectorLocation(hex"820343820000");
        vm.expectRevert(abi.encodeWithSelector(FilecoinCodec.WrongArrayLength.selector, uint256(2), uint256(3)));
        h.sectorLocation(hex"82014483000000");
    }

    function test_frc46Received_decode() public view {
        // [2233613279 (0x85223bdf), bytes(payload)] payload = [1234, 1500, 6, bytes 00 0de0b6b3a7640000, h'', h'']
        bytes memory payload = hex"861904d21905dc0649000de0b6b3a76400004040";
        bytes memory params = bytes.concat(hex"821a85223bdf54", payload);
        (uint64 from, uint64 to, uint64 op, uint256 amount) = h.frc46(params);
        vm.assertEq(from, 1234, "from");
        vm.assertEq(to, 1500, "to");
        vm.assertEq(op, 6, "operator");
        vm.assertEq(amount, 1 ether, "amount");
    }

    function test_frc46Received_rejectsOtherReceiverType() public {
        vm.expectRevert(abi.encodeWithSelector(FilecoinCodec.WrongReceiverType.selector, uint32(7)));
        h.frc46(hex"820741a0");
    }

    function test_reader_strictness() public {
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborNotMinimal.selector, 0));
        h.readUint(hex"1817");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborNotMinimal.selector, 0));
        h.readUint(hex"1900ff");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborNotMinimal.selector, 0));
        h.readUint(hex"1a0000ffff");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborNotMinimal.selector, 0));
        h.readUint(hex"1b00000000ffffffff");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborUnsupported.selector, 0, uint8(0x9f)));
        h.readUint(hex"9f");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborUnsupported.selector, 0, uint8(0x1c)));
        h.readUint(hex"1c");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborTruncated.selector, 0));
        h.readUint(hex"");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborTruncated.selector, 1));
        h.readUint(hex"19ff");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborWrongType.selector, 0, uint8(0), uint8(1)));
        h.readUint(hex"20");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborIntOverflow.selector, 0));
        h.readInt(hex"1b8000000000000000");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborWrongType.selector, 0, uint8(7), uint8(7)));
        h.readBool(hex"f6"); // null is not a bool
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborUnsupported.selector, 0, uint8(0xf9)));
        h.readBool(hex"f90000"); // half float
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborTruncated.selector, 1));
        h.readBytes(hex"4301");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborTrailingBytes.selector, 1, 2));
        h.readUint(hex"0000");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborBadBigInt.selector, 0));
        h.readBigInt(hex"420205");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborBadBigInt.selector, 0));
        h.readBigInt(bytes.concat(hex"582200", bytes32(type(uint256).max), hex"ff")); // 33-byte magnitude
        assertTrue2(h.readBool(hex"f5") && !h.readBool(hex"f4"));
    }

    function test_cid_tag42() public {
        bytes memory enc = bytes.concat(hex"d82a582800", PIECE_CID);
        vm.assertEq(h.readCid(enc), PIECE_CID, "cid");
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborBadCid.selector, 0));
        h.readCid(bytes.concat(hex"d82b582800", PIECE_CID)); // tag 43
        vm.expectRevert(abi.encodeWithSelector(CborReader.CborBadCid.selector, 2));
        h.readCid(bytes.concat(hex"d82a582801", PIECE_CID)); // no 0x00 multibase byte
    }

    function test_addresses() public view {
        vm.assertEq(FilAddress.fromId(0), hex"0000", "f00");
        vm.assertEq(FilAddress.fromId(1234), hex"00d209", "f01234");
        vm.assertEq(FilAddress.fromId(127), hex"007f", "f0127");
        vm.assertEq(FilAddress.fromId(128), hex"008001", "f0128");
        vm.assertEq(FilAddress.fromId(type(uint64).max), hex"00ffffffffffffffffff01", "max");
        vm.assertEq(
            FilAddress.fromEth(0x1111111111111111111111111111111111111111),
            hex"040a1111111111111111111111111111111111111111",
            "f410"
        );
        vm.assertEq(FilAddress.fromCaller(0xFF000000000000000000000000000000000004d2), hex"00d209", "masked id");
        vm.assertEq(FilAddress.idToEvm(1234), 0xFF000000000000000000000000000000000004d2, "id to evm");
        (bool ok, uint64 id) = h.parseId(hex"00ffffffffffffffffff01");
        vm.assertTrue(ok && id == type(uint64).max, "parse max");
        (ok,) = h.parseId(hex"008000"); // non-minimal LEB128
        vm.assertFalse(ok, "non-minimal");
        (ok,) = h.parseId(hex"0080"); // unterminated
        vm.assertFalse(ok, "unterminated");
        (ok,) = h.parseId(hex"00ffffffffffffffffff02"); // > 64 bits
        vm.assertFalse(ok, "overflow");
        (ok,) = h.parseId(hex"01d209"); // secp256k1 protocol
        vm.assertFalse(ok, "not f0");
    }

    function test_cidString_base32() public pure {
        vm.assertEq(CidString.base32(PIECE_CID), PIECE_LABEL, "piece cid text");
        vm.assertEq(CidString.base32(hex""), "b", "empty");
        vm.assertEq(CidString.base32(hex"66"), "bmy", "rfc4648 'f'");
        vm.assertEq(CidString.base32(hex"666f6f626172"), "bmzxw6ytboi", "rfc4648 'foobar'");
    }

    function test_methodNumbersAndSelectors() public pure {
        // FRC-0042 hashes (blake2b-512("1|" + name), first 4-byte chunk >= 2^24), computed independently
        vm.assertEq(Fil.AUTHENTICATE_MESSAGE_METHOD, 2643134072, "AuthenticateMessage");
        vm.assertEq(Fil.MARKET_NOTIFY_DEAL_METHOD, 4186741094, "MarketNotifyDeal");
        vm.assertEq(Fil.DATACAP_RECEIVER_HOOK_METHOD, 3726118371, "Receive");
        vm.assertEq(Fil.MARKET_GET_DEAL_ACTIVATION_METHOD, 2567238399, "GetDealActivation");
        vm.assertEq(Fil.MARKET_ADD_BALANCE_METHOD, 822473126, "AddBalance");
        vm.assertEq(Fil.MINER_IS_CONTROLLING_ADDRESS_METHOD, 348244887, "IsControllingAddress");
        vm.assertEq(Fil.MARKET_GET_DEAL_SECTOR_METHOD, 2611213344, "GetDealSector");
        vm.assertEq(Fil.MINER_GENERATE_SECTOR_LOCATION_METHOD, 1321604665, "GenerateSectorLocation");
        vm.assertEq(Fil.MINER_VALIDATE_SECTOR_STATUS_METHOD, 3092458564, "ValidateSectorStatus");
        vm.assertEq(uint256(Fil.FRC46_TOKEN_TYPE), 2233613279, "FRC46");
        // the selectors Boost hard-codes (storagemarket/contract_deal_monitor.go) and the EVM actor's native entry
        vm.assertEq(uint256(uint32(FilFilDealClient.getDealProposal.selector)), 0xf4b2e4d8, "getDealProposal");
        vm.assertEq(uint256(uint32(FilFilDealClient.getExtraParams.selector)), 0x4634aed5, "getExtraParams");
        vm.assertEq(uint256(uint32(FilFilDealClient.handle_filecoin_method.selector)), 0x868e10c4, "native entry");
        bytes32 topic = keccak256("DealProposalCreate(bytes32,uint64,bool,uint256)");
        vm.assertEq(uint256(uint32(bytes4(topic))), 0xfd6419d0, "event topic prefix");
        vm.assertEq(uint256(uint16(uint256(topic))), 0xf625, "event topic suffix");
    }

    function assertTrue2(bool c) internal pure {
        vm.assertTrue(c, "bool round trip");
    }

    function _tail(bytes memory d) internal pure returns (bytes memory) {
        return _from(d, 1);
    }

    function _from(bytes memory d, uint256 pos) internal pure returns (bytes memory) {
        return CborReader.slice(d, pos, d.length - pos);
    }
}
