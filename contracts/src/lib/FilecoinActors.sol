// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Fil, FilAddress, FilecoinCodec} from "./FilecoinTypes.sol";
import {CborReader} from "./Cbor.sol";

/// @title The only place the contract talks to Filecoin built-in actors.
/// @notice Every call goes through the FEVM `call_actor_id` precompile at 0xfe00…05, which must be DELEGATECALLed
///         (builtin-actors actors/evm/src/interpreter/precompiles/fvm.rs `call_actor_shared` refuses other call
///         kinds). Input: abi.encode(uint64 method, uint256 value, uint64 flags, uint64 codec, bytes params,
///         uint64 actorId). Output: abi.encode(int256 exit, uint64 codec, bytes ret), with exit < 0 for a send
///         that failed outright (syscall error number, negated).
///         On a plain EVM (forge tests, anvil) a mock with the same input/output ABI is placed at that address;
///         it forwards to a mock actor at 0xff ‖ 0…0 ‖ actorId that speaks the same CBOR.
library FilecoinActors {
    address internal constant CALL_ACTOR_ID = 0xfe00000000000000000000000000000000000005;
    uint64 internal constant FLAG_READ_ONLY = 1;

    /// @notice The precompile call itself failed or returned something that is not its ABI.
    error ActorCallFailed(uint64 actorId, uint64 method);
    /// @notice The actor returned a codec other than none/CBOR.
    error ActorBadCodec(uint64 actorId, uint64 method, uint64 codec);
    /// @notice The miner could not say where a sector is (GenerateSectorLocation failed).
    error SectorCallFailed(uint64 minerId, int256 exit);

    function call(uint64 actorId, uint64 method, bytes memory params, uint256 value, bool readOnly)
        internal
        returns (int256 exit, bytes memory ret)
    {
        uint64 codec = params.length == 0 ? Fil.CODEC_NONE : Fil.CODEC_CBOR;
        (bool ok, bytes memory out) = CALL_ACTOR_ID.delegatecall(
            abi.encode(method, value, readOnly ? FLAG_READ_ONLY : uint64(0), codec, params, actorId)
        );
        if (!ok || out.length < 128) revert ActorCallFailed(actorId, method);
        uint64 retCodec;
        (exit, retCodec, ret) = abi.decode(out, (int256, uint64, bytes));
        if (retCodec == Fil.CODEC_NONE) {
            if (ret.length != 0) revert ActorBadCodec(actorId, method, retCodec);
        } else if (retCodec != Fil.CODEC_CBOR && retCodec != Fil.CODEC_DAG_CBOR) {
            revert ActorBadCodec(actorId, method, retCodec);
        }
    }

    /// @notice Market GetDealActivation. exit 0: (activated, terminated) epochs, -1 when undefined;
    ///         exit 32 (EX_DEAL_EXPIRED): slashed/terminated or already cleaned up; exit 17: no such deal.
    function getDealActivation(uint64 dealId) internal returns (int256 exit, int64 activated, int64 terminated) {
        bytes memory ret;
        (exit, ret) = call(
            Fil.MARKET_ACTOR_ID, Fil.MARKET_GET_DEAL_ACTIVATION_METHOD, FilecoinCodec.encodeDealId(dealId), 0, true
        );
        if (exit == 0) (activated, terminated) = FilecoinCodec.decodeDealActivation(ret);
    }

    /// @notice Market GetDealSector: the sector the provider committed the deal to. exit 0 from activation
    ///         until the deal is settled; 33 EX_DEAL_NOT_ACTIVATED before, 32 once terminated or cleaned up.
    function getDealSector(uint64 dealId) internal returns (int256 exit, uint64 sector) {
        bytes memory ret;
        (exit, ret) = call(
            Fil.MARKET_ACTOR_ID, Fil.MARKET_GET_DEAL_SECTOR_METHOD, FilecoinCodec.encodeDealId(dealId), 0, true
        );
        if (exit == 0) sector = FilecoinCodec.decodeUint(ret);
    }

    /// @notice Liveness of a miner's sector (FIP-0112). With a known location (deadline, partition), one cheap
    ///         ValidateSectorStatus (two when the sector is not Active: Dead or Faulty). Without one, or when the
    ///         location went stale (the miner compacted or moved partitions: exit 17), GenerateSectorLocation,
    ///         which searches the miner's deadlines (builtin-actors calls it an offline method; here it runs
    ///         once per deal and after a move). Returns the status and the location to keep.
    function sectorStatus(uint64 minerId, uint64 sector, bool located, int64 deadline, int64 partition)
        internal
        returns (uint8 status, int64, int64)
    {
        if (located) {
            (int256 ex, bool valid) = validateSectorStatus(minerId, sector, Fil.SECTOR_ACTIVE, deadline, partition);
            if (ex == 0 && valid) return (Fil.SECTOR_ACTIVE, deadline, partition);
            if (ex == 0) {
                (ex, valid) = validateSectorStatus(minerId, sector, Fil.SECTOR_DEAD, deadline, partition);
                if (ex == 0) return (valid ? Fil.SECTOR_DEAD : Fil.SECTOR_FAULTY, deadline, partition);
            }
        }
        (int256 exit, bytes memory ret) = call(
            minerId,
            Fil.MINER_GENERATE_SECTOR_LOCATION_METHOD,
            FilecoinCodec.encodeSectorNumberTuple(sector),
            0,
            true
        );
        if (exit != 0) revert SectorCallFailed(minerId, exit);
        return FilecoinCodec.decodeSectorLocation(ret);
    }

    /// @notice Miner ValidateSectorStatus: whether `sector`, at the given location, has `status`. exit 17 when
    ///         the sector is not at that location, 16 for an invalid location.
    function validateSectorStatus(uint64 minerId, uint64 sector, uint8 status, int64 deadline, int64 partition)
        internal
        returns (int256 exit, bool valid)
    {
        bytes memory ret;
        (exit, ret) = call(
            minerId,
            Fil.MINER_VALIDATE_SECTOR_STATUS_METHOD,
            FilecoinCodec.encodeValidateSectorStatus(sector, status, deadline, partition),
            0,
            true
        );
        if (exit == 0) valid = FilecoinCodec.decodeBool(ret);
    }

    /// @notice Miner IsControllingAddress: true when `who` (as a Filecoin address) is the miner's owner, worker
    ///         or a control address.
    function isControllingAddress(uint64 minerId, address who) internal returns (int256 exit, bool controlling) {
        bytes memory ret;
        (exit, ret) = call(
            minerId,
            Fil.MINER_IS_CONTROLLING_ADDRESS_METHOD,
            FilecoinCodec.encodeAddress(FilAddress.fromCaller(who)),
            0,
            true
        );
        if (exit == 0) controlling = FilecoinCodec.decodeBool(ret);
    }

    /// @notice Power MinerRawPower: exit 0 only for an actor with a power claim, i.e. a storage miner (every miner
    ///         gets a claim when the power actor creates it). An EVM contract at an ID address has none.
    function isMiner(uint64 actorId) internal returns (bool) {
        (int256 exit,) =
            call(Fil.POWER_ACTOR_ID, Fil.POWER_MINER_RAW_POWER_METHOD, FilecoinCodec.encodeDealId(actorId), 0, true);
        return exit == 0;
    }

    /// @notice Miner GetOwner: whether `who` is the miner's current owner address.
    function isOwner(uint64 minerId, address who) internal returns (bool) {
        (int256 exit, bytes memory ret) = call(minerId, Fil.MINER_GET_OWNER_METHOD, "", 0, true);
        if (exit != 0) return false;
        (, uint256 q) = CborReader.readArray(ret, 0);
        (bytes memory ownerAddr,) = CborReader.readBytes(ret, q);
        return keccak256(ownerAddr) == keccak256(FilAddress.fromCaller(who));
    }

    /// @notice Market AddBalance for this contract's own escrow (client side), paying `value` from its balance.
    function addMarketBalance(uint256 value) internal returns (int256 exit) {
        (exit,) = call(
            Fil.MARKET_ACTOR_ID,
            Fil.MARKET_ADD_BALANCE_METHOD,
            FilecoinCodec.encodeAddress(FilAddress.fromEth(address(this))),
            value,
            false
        );
    }
}
