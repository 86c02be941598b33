// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CborWriter, CborReader} from "./Cbor.sol";

/// @title Filecoin constants shared by the contract, its codecs and the test mocks.
/// @notice Method numbers are FRC-0042 hashes (blake2b-512 of "1|" + name, first 4-byte chunk >= 2^24);
///         each is checked against the hash in test/FilecoinTypes.t.sol's comments and builtin-actors' tables.
library Fil {
    // Hooks the built-in actors invoke on a client contract (arrive through handle_filecoin_method).
    uint64 internal constant AUTHENTICATE_MESSAGE_METHOD = 2643134072; // "AuthenticateMessage"
    uint64 internal constant MARKET_NOTIFY_DEAL_METHOD = 4186741094; // "MarketNotifyDeal"
    uint64 internal constant DATACAP_RECEIVER_HOOK_METHOD = 3726118371; // "Receive" (FRC-0046 universal receiver)
    // Exported market methods we call.
    uint64 internal constant MARKET_ADD_BALANCE_METHOD = 822473126; // "AddBalance"
    uint64 internal constant MARKET_GET_DEAL_ACTIVATION_METHOD = 2567238399; // "GetDealActivation"
    uint64 internal constant MARKET_GET_DEAL_SECTOR_METHOD = 2611213344; // "GetDealSector"
    // Exported miner method we call.
    uint64 internal constant MINER_IS_CONTROLLING_ADDRESS_METHOD = 348244887; // "IsControllingAddress"
    uint64 internal constant MINER_GET_OWNER_METHOD = 3275365574; // "GetOwner" -> [owner, proposed|null]
    // FIP-0112 (nv28) sector status methods of the miner actor.
    uint64 internal constant MINER_GENERATE_SECTOR_LOCATION_METHOD = 1321604665; // "GenerateSectorLocation"
    uint64 internal constant MINER_VALIDATE_SECTOR_STATUS_METHOD = 3092458564; // "ValidateSectorStatus"
    uint64 internal constant POWER_MINER_RAW_POWER_METHOD = 3753401894; // "MinerRawPower"; fails for non-miners
    // FRC-0046 receiver type for fungible tokens (DataCap).
    uint32 internal constant FRC46_TOKEN_TYPE = 2233613279; // "FRC46"

    uint64 internal constant POWER_ACTOR_ID = 4;
    uint64 internal constant MARKET_ACTOR_ID = 5;
    uint64 internal constant DATACAP_ACTOR_ID = 7;
    /// @dev Built-in actors appear to EVM code at 0xff ‖ 11 zero bytes ‖ actor id (8 bytes, big-endian).
    address internal constant MARKET_ACTOR = 0xff00000000000000000000000000000000000005;
    address internal constant DATACAP_ACTOR = 0xfF00000000000000000000000000000000000007;

    uint64 internal constant CODEC_NONE = 0;
    uint64 internal constant CODEC_CBOR = 0x51;
    uint64 internal constant CODEC_DAG_CBOR = 0x71;

    /// @dev builtin-actors actors/market/src/lib.rs: EX_DEAL_EXPIRED = FIRST_ACTOR_SPECIFIC_EXIT_CODE (32).
    int256 internal constant EX_DEAL_EXPIRED = 32;
    int256 internal constant USR_NOT_FOUND = 17;
    /// @dev builtin-actors actors/market/src/lib.rs: EX_DEAL_NOT_ACTIVATED = FIRST_ACTOR_SPECIFIC_EXIT_CODE + 1.
    int256 internal constant EX_DEAL_NOT_ACTIVATED = 33;

    /// @dev builtin-actors actors/miner/src/types.rs SectorStatusCode (serde repr u8): Dead = 0 (terminated or
    ///      never committed), Active = 1 (not terminated, not faulty), Faulty = 2.
    uint8 internal constant SECTOR_DEAD = 0;
    uint8 internal constant SECTOR_ACTIVE = 1;
    uint8 internal constant SECTOR_FAULTY = 2;
    /// @dev SectorLocation (NO_DEADLINE, NO_PARTITION): the sector is not in the miner's sectors AMT.
    int64 internal constant NO_DEADLINE = -1;

    int64 internal constant EPOCHS_PER_DAY = 2880;
    /// @dev builtin-actors actors/market/src/policy.rs deal_duration_bounds: 180 .. 1278 days, inclusive.
    int64 internal constant MIN_DEAL_DURATION = 180 * EPOCHS_PER_DAY;
    int64 internal constant MAX_DEAL_DURATION = 1278 * EPOCHS_PER_DAY;
    /// @dev builtin-actors policy.rs detail::DEAL_MAX_LABEL_SIZE.
    uint256 internal constant DEAL_MAX_LABEL_SIZE = 256;
    int64 internal constant EPOCH_UNDEFINED = -1;
}

/// @title Filecoin address bytes (the protocol-byte form carried in CBOR).
library FilAddress {
    error BadIdAddress();

    /// @notice f0 address: 0x00 ‖ unsigned LEB128(id).
    function fromId(uint64 id) internal pure returns (bytes memory out) {
        bytes memory tmp = new bytes(11);
        uint256 n = 1; // tmp[0] = 0x00 protocol byte
        uint64 v = id;
        while (true) {
            uint8 b = uint8(v & 0x7f);
            v >>= 7;
            if (v != 0) {
                tmp[n++] = bytes1(b | 0x80);
            } else {
                tmp[n++] = bytes1(b);
                break;
            }
        }
        out = CborReader.slice(tmp, 0, n);
    }

    /// @notice f410 address of an EVM address: 0x04 (delegated) ‖ 0x0a (EAM actor id 10) ‖ 20 bytes.
    function fromEth(address a) internal pure returns (bytes memory) {
        return abi.encodePacked(uint8(4), uint8(10), a);
    }

    /// @notice The Filecoin address of an EVM-visible caller: an ID-masked address (0xff ‖ 0…0 ‖ id) is an f0
    ///         (how f1/f3 accounts and built-in actors appear to EVM code); anything else is its f410.
    function fromCaller(address a) internal pure returns (bytes memory) {
        (bool isId, uint64 id) = maskedId(a);
        return isId ? fromId(id) : fromEth(a);
    }

    function maskedId(address a) internal pure returns (bool, uint64) {
        uint160 v = uint160(a);
        if (v >> 64 == uint160(0xff) << 88) return (true, uint64(v));
        return (false, 0);
    }

    function idToEvm(uint64 id) internal pure returns (address) {
        return address(uint160(0xff) << 152 | uint160(id));
    }

    /// @notice Parses an f0 address in memory d at [start, start+len). Returns ok=false for other protocols.
    function parseId(bytes memory d, uint256 start, uint256 len) internal pure returns (bool ok, uint64 id) {
        if (len < 2 || len > 11 || d[start] != 0x00) return (false, 0);
        uint8 shift = 0;
        for (uint256 i = start + 1; i < start + len; i++) {
            uint8 b = uint8(d[i]);
            bool last = i == start + len - 1;
            if (last == (b & 0x80 != 0)) return (false, 0); // continuation bits must end exactly at the last byte
            if (shift == 63 && (b & 0x7f) > 1) return (false, 0); // > 64 bits
            if (last && b == 0 && len > 2) return (false, 0); // not minimal
            id |= uint64(b & 0x7f) << shift;
            shift += 7;
        }
        return (true, id);
    }
}

/// @notice A DealProposal as the market serializes it (builtin-actors actors/market/src/deal.rs, tuple order).
/// Byte strings are kept as references into the encoded message to avoid copies.
struct DecodedProposal {
    uint256 pieceCidStart;
    uint256 pieceCidLen;
    uint64 pieceSize;
    bool verified;
    uint256 clientStart;
    uint256 clientLen;
    uint256 providerStart;
    uint256 providerLen;
    uint8 labelMajor; // 3 = text, 2 = bytes
    uint256 labelStart;
    uint256 labelLen;
    int64 startEpoch;
    int64 endEpoch;
    uint256 price;
    uint256 providerCollateral;
    uint256 clientCollateral;
}

/// @notice What we put into a DealProposal we hand to Boost.
struct ProposalFields {
    bytes pieceCid;
    uint64 pieceSize;
    bool verified;
    bytes client;
    bytes provider;
    string label;
    int64 startEpoch;
    int64 endEpoch;
    uint256 price;
    uint256 providerCollateral;
    uint256 clientCollateral;
}

/// @title CBOR layouts of the market/account/datacap messages and of Boost's ExtraParamsV1.
library FilecoinCodec {
    using CborWriter for CborWriter.Buf;

    error WrongArrayLength(uint256 expected, uint256 actual);
    error NegativeTokenAmount();
    error WrongReceiverType(uint32 t);
    error BadSectorStatus(uint64 status);

    /// @notice DealProposal, 11-tuple: [piece_cid, piece_size, verified_deal, client, provider, label,
    ///         start_epoch, end_epoch, storage_price_per_epoch, provider_collateral, client_collateral].
    function encodeDealProposal(ProposalFields memory p) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(160 + bytes(p.label).length);
        b.writeArrayHeader(11);
        b.writeCid(p.pieceCid);
        b.writeUint(p.pieceSize);
        b.writeBool(p.verified);
        b.writeBytes(p.client);
        b.writeBytes(p.provider);
        b.writeText(p.label);
        b.writeInt(p.startEpoch);
        b.writeInt(p.endEpoch);
        b.writeBigInt(p.price);
        b.writeBigInt(p.providerCollateral);
        b.writeBigInt(p.clientCollateral);
        return b.finish();
    }

    function decodeDealProposal(bytes memory d) internal pure returns (DecodedProposal memory p) {
        (uint64 n, uint256 q) = CborReader.readArray(d, 0);
        if (n != 11) revert WrongArrayLength(11, n);
        (p.pieceCidStart, p.pieceCidLen, q) = CborReader.readCidRef(d, q);
        (p.pieceSize, q) = CborReader.readUint(d, q);
        (p.verified, q) = CborReader.readBool(d, q);
        (p.clientStart, p.clientLen, q) = CborReader.readBytesRef(d, q);
        (p.providerStart, p.providerLen, q) = CborReader.readBytesRef(d, q);
        (p.labelMajor, p.labelStart, p.labelLen, q) = CborReader.readStringRef(d, q);
        (p.startEpoch, q) = CborReader.readInt(d, q);
        (p.endEpoch, q) = CborReader.readInt(d, q);
        bool neg1;
        bool neg2;
        bool neg3;
        (p.price, neg1, q) = CborReader.readBigInt(d, q);
        (p.providerCollateral, neg2, q) = CborReader.readBigInt(d, q);
        (p.clientCollateral, neg3, q) = CborReader.readBigInt(d, q);
        if (neg1 || neg2 || neg3) revert NegativeTokenAmount();
        CborReader.requireEnd(d, q);
    }

    /// @notice Boost's ContractParamsVersion1 (storagemarket/types/contract_deal_proposal_types.go), cbor-gen tuple:
    ///         [location_ref text, car_size uint, skip_ipni_announce bool, remove_unsealed_copy bool].
    function encodeExtraParamsV1(string memory locationRef, uint64 carSize, bool skipIpni, bool removeUnsealed)
        internal
        pure
        returns (bytes memory)
    {
        CborWriter.Buf memory b = CborWriter.create(16 + bytes(locationRef).length);
        b.writeArrayHeader(4);
        b.writeText(locationRef);
        b.writeUint(carSize);
        b.writeBool(skipIpni);
        b.writeBool(removeUnsealed);
        return b.finish();
    }

    /// @notice AuthenticateMessageParams [signature bytes, message bytes]; returns the message's (offset, length).
    function decodeAuthenticateMessageParams(bytes memory d) internal pure returns (bytes memory message) {
        (uint64 n, uint256 q) = CborReader.readArray(d, 0);
        if (n != 2) revert WrongArrayLength(2, n);
        (,, q) = CborReader.readBytesRef(d, q); // signature: ignored, the contract itself is the signer
        (message, q) = CborReader.readBytes(d, q);
        CborReader.requireEnd(d, q);
    }

    /// @notice MarketNotifyDealParams [proposal bytes, deal_id uint].
    function decodeMarketNotifyDealParams(bytes memory d) internal pure returns (bytes memory proposal, uint64 dealId) {
        (uint64 n, uint256 q) = CborReader.readArray(d, 0);
        if (n != 2) revert WrongArrayLength(2, n);
        (proposal, q) = CborReader.readBytes(d, q);
        (dealId, q) = CborReader.readUint(d, q);
        CborReader.requireEnd(d, q);
    }

    /// @notice DealQueryParams is #[serde(transparent)]: the deal id as a bare CBOR uint.
    function encodeDealId(uint64 dealId) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(9);
        b.writeUint(dealId);
        return b.finish();
    }

    /// @dev A two-field tuple [uint, bytes] (UniversalReceiverParams, GenerateSectorLocationReturn).
    function _decodeUintBytes(bytes memory d) private pure returns (uint64 v, bytes memory b) {
        (uint64 n, uint256 q) = CborReader.readArray(d, 0);
        if (n != 2) revert WrongArrayLength(2, n);
        (v, q) = CborReader.readUint(d, q);
        (b, q) = CborReader.readBytes(d, q);
        CborReader.requireEnd(d, q);
    }

    /// @notice A transparent u64 return (GetDealSectorReturn: the sector number).
    function decodeUint(bytes memory d) internal pure returns (uint64 v) {
        uint256 q;
        (v, q) = CborReader.readUint(d, 0);
        CborReader.requireEnd(d, q);
    }

    /// @notice GenerateSectorLocationParams [sector_number] (a one-field tuple, not transparent).
    function encodeSectorNumberTuple(uint64 sector) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(10);
        b.writeArrayHeader(1);
        b.writeUint(sector);
        return b.finish();
    }

    /// @notice GenerateSectorLocationReturn [status u8, aux_data bytes], aux_data = SectorLocation
    ///         [deadline i64, partition i64] in CBOR ((-1, -1) when the sector is not in the sectors AMT).
    function decodeSectorLocation(bytes memory d)
        internal
        pure
        returns (uint8 status, int64 deadline, int64 partition)
    {
        (uint64 st, bytes memory aux) = _decodeUintBytes(d);
        if (st > Fil.SECTOR_FAULTY) revert BadSectorStatus(st);
        (uint64 n, uint256 q) = CborReader.readArray(aux, 0);
        if (n != 2) revert WrongArrayLength(2, n);
        (deadline, q) = CborReader.readInt(aux, q);
        (partition, q) = CborReader.readInt(aux, q);
        CborReader.requireEnd(aux, q);
        status = uint8(st);
    }

    /// @notice ValidateSectorStatusParams [sector_number u64, status u8, aux_data bytes] with aux_data the CBOR
    ///         SectorLocation [deadline, partition], as GenerateSectorLocation returns it.
    function encodeValidateSectorStatus(uint64 sector, uint8 status, int64 deadline, int64 partition)
        internal
        pure
        returns (bytes memory)
    {
        CborWriter.Buf memory loc = CborWriter.create(20);
        loc.writeArrayHeader(2);
        loc.writeInt(deadline);
        loc.writeInt(partition);
        CborWriter.Buf memory b = CborWriter.create(40);
        b.writeArrayHeader(3);
        b.writeUint(sector);
        b.writeUint(status);
        b.writeBytes(loc.finish());
        return b.finish();
    }

    /// @notice GetDealActivationReturn [activated ChainEpoch, terminated ChainEpoch].
    function decodeDealActivation(bytes memory d) internal pure returns (int64 activated, int64 terminated) {
        (uint64 n, uint256 q) = CborReader.readArray(d, 0);
        if (n != 2) revert WrongArrayLength(2, n);
        (activated, q) = CborReader.readInt(d, q);
        (terminated, q) = CborReader.readInt(d, q);
        CborReader.requireEnd(d, q);
    }

    /// @notice A transparent Address parameter (AddBalanceParams, IsControllingAddressParam): a CBOR byte string.
    function encodeAddress(bytes memory addr) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(addr.length + 4);
        b.writeBytes(addr);
        return b.finish();
    }

    function decodeBool(bytes memory d) internal pure returns (bool v) {
        uint256 q;
        (v, q) = CborReader.readBool(d, 0);
        CborReader.requireEnd(d, q);
    }

    /// @notice UniversalReceiverParams [type_ u32, payload bytes] carrying an FRC46TokenReceived
    ///         [from ActorID, to ActorID, operator ActorID, amount TokenAmount, operator_data bytes, token_data bytes].
    function decodeFrc46Received(bytes memory d)
        internal
        pure
        returns (uint64 from, uint64 to, uint64 operator, uint256 amount)
    {
        (uint64 t, bytes memory payload) = _decodeUintBytes(d);
        if (t != Fil.FRC46_TOKEN_TYPE) revert WrongReceiverType(uint32(t));
        (uint64 n, uint256 q) = CborReader.readArray(payload, 0);
        if (n != 6) revert WrongArrayLength(6, n);
        (from, q) = CborReader.readUint(payload, q);
        (to, q) = CborReader.readUint(payload, q);
        (operator, q) = CborReader.readUint(payload, q);
        bool neg;
        (amount, neg, q) = CborReader.readBigInt(payload, q);
        if (neg) revert NegativeTokenAmount();
        (,, q) = CborReader.readBytesRef(payload, q);
        (,, q) = CborReader.readBytesRef(payload, q);
        CborReader.requireEnd(payload, q);
    }
}

/// @title Text form of CIDs: multibase base32 (RFC 4648 lower case, no padding) with the "b" prefix,
///        which is how go-cid and rust-cid print CIDv1 and how Boost parses the deal label.
library CidString {
    bytes32 private constant ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    function base32(bytes memory cid) internal pure returns (string memory) {
        uint256 outLen = (cid.length * 8 + 4) / 5;
        bytes memory out = new bytes(outLen + 1);
        out[0] = "b";
        uint256 buffer;
        uint256 bits;
        uint256 o = 1;
        for (uint256 i = 0; i < cid.length; i++) {
            buffer = (buffer << 8) | uint8(cid[i]);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[o++] = ALPHABET[(buffer >> bits) & 31];
            }
        }
        if (bits > 0) out[o++] = ALPHABET[(buffer << (5 - bits)) & 31];
        return string(out);
    }
}
