// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CborWriter, CborReader} from "../../src/lib/Cbor.sol";
import {Fil, FilAddress, FilecoinCodec, DecodedProposal} from "../../src/lib/FilecoinTypes.sol";

/// @notice Stand-in for the FEVM call_actor_id precompile (0xfe00…05). Same input/output ABI as
///         builtin-actors' `call_actor_shared`: it must be DELEGATECALLed, decodes
///         (uint64 method, uint256 value, uint64 flags, uint64 codec, bytes params, uint64 actorId), invokes the
///         mock actor at 0xff‖0…0‖actorId through its `handle_filecoin_method` (as the EVM actor routes native
///         methods) and returns abi.encode(int256 exit, uint64 codec, bytes ret).
contract MockCallActorId {
    int256 internal constant ERR_NOT_FOUND = -6; // a send to an actor that does not exist fails as a syscall error
    int256 internal constant EXIT_CONTRACT_REVERTED = 33; // an actor that aborted

    fallback(bytes calldata input) external payable returns (bytes memory) {
        (uint64 method, uint256 value, uint64 flags, uint64 codec, bytes memory params, uint64 actorId) =
            abi.decode(input, (uint64, uint256, uint64, uint64, bytes, uint64));
        require(codec == Fil.CODEC_CBOR || (codec == 0 && params.length == 0), "precompile: invalid input");
        require(method == 0 || method > 1023, "precompile: reserved method");
        address target = FilAddress.idToEvm(actorId);
        if (target.code.length == 0) return abi.encode(ERR_NOT_FOUND, uint64(0), bytes(""));
        bytes memory data =
            abi.encodeWithSignature("handle_filecoin_method(uint64,uint64,bytes)", method, codec, params);
        bool ok;
        bytes memory ret;
        if (flags & 1 != 0) (ok, ret) = target.staticcall(data);
        else (ok, ret) = target.call{value: value}(data);
        if (!ok) return abi.encode(EXIT_CONTRACT_REVERTED, uint64(0), bytes(""));
        (uint32 exit, uint64 rc, bytes memory r) = abi.decode(ret, (uint32, uint64, bytes));
        return abi.encode(int256(uint256(exit)), rc, r);
    }
}

/// @notice Storage market stand-in at f05 (0xff00…05), speaking the market's CBOR for the methods we use and
///         driving the client hooks the way builtin-actors' publish_storage_deals does.
contract MockMarket {
    struct DealState {
        bool exists;
        bool expired; // GetDealActivation answers EX_DEAL_EXPIRED (32): terminated, or ended and cleaned up
        int64 activated;
    }

    mapping(uint64 => DealState) public deals;
    uint64 public nextDealId;
    mapping(address => uint64) public actorIdOf; // EVM contract => its actor ID (for normalization)
    mapping(bytes32 => uint256) public escrow; // keccak(address bytes) => balance
    uint32 public activationExitOverride; // when non-zero, GetDealActivation answers this exit code
    mapping(uint64 => uint64) public providerOf; // deal => provider actor ID (from the normalized proposal)
    mapping(uint64 => uint64) public sectorOf; // deal => the sector it was activated in

    event Published(uint64 dealId, uint64 provider);

    // ---- test driver

    function setActorId(address evm, uint64 id) external {
        actorIdOf[evm] = id;
    }

    function setDealIdBase(uint64 base) external {
        nextDealId = base;
    }

    /// @notice The provider proves the sector holding the deal (one sector per deal, numbered after it): the
    ///         deal becomes active and, when the provider is a MockMiner, the sector is committed there.
    function activate(uint64 dealId, int64 epoch) external {
        require(deals[dealId].exists, "no deal");
        deals[dealId].activated = epoch;
        sectorOf[dealId] = dealId;
        address miner = FilAddress.idToEvm(providerOf[dealId]);
        if (miner.code.length != 0) {
            (bool ok,) = miner.call(abi.encodeCall(MockMiner.commitSector, (dealId)));
            ok; // a provider that is not a MockMiner has no sectors to track
        }
    }

    function expire(uint64 dealId) external {
        require(deals[dealId].exists, "no deal");
        deals[dealId].expired = true;
    }

    /// @notice A terminated (slashed) deal: builtin-actors v18 GetDealActivation answers EX_DEAL_EXPIRED (32) as
    ///         soon as the deal has a slash epoch, exactly as for a deal cleaned up after its end.
    function terminate(uint64 dealId) external {
        require(deals[dealId].exists, "no deal");
        deals[dealId].expired = true;
    }

    function setActivationExit(uint32 exit) external {
        activationExitOverride = exit;
    }

    /// @notice Like PublishStorageDeals: authenticates each proposal with the client (READ_ONLY), drops those that
    ///         fail, reverts if none is valid, then normalizes addresses and notifies the client of each deal; a
    ///         failed notification fails the whole call.
    function publishStorageDeals(address client, bytes[] calldata proposals)
        external
        returns (uint64[] memory ids, bool[] memory valid)
    {
        valid = new bool[](proposals.length);
        uint256 n;
        for (uint256 i = 0; i < proposals.length; i++) {
            valid[i] = authenticate(client, proposals[i]);
            if (valid[i]) n++;
        }
        require(n > 0, "All deal proposals invalid");
        ids = new uint64[](n);
        uint256 k;
        for (uint256 i = 0; i < proposals.length; i++) {
            if (!valid[i]) continue;
            bytes memory normalized = normalize(proposals[i], actorIdOf[client]);
            uint64 id = nextDealId++;
            deals[id] = DealState({exists: true, expired: false, activated: -1});
            DecodedProposal memory dp = FilecoinCodec.decodeDealProposal(normalized);
            (, providerOf[id]) = FilAddress.parseId(normalized, dp.providerStart, dp.providerLen);
            ids[k++] = id;
            CborWriter.Buf memory b = CborWriter.create(normalized.length + 16);
            CborWriter.writeArrayHeader(b, 2);
            CborWriter.writeBytes(b, normalized);
            CborWriter.writeUint(b, id);
            (bool ok, bytes memory ret) = client.call(
                abi.encodeWithSignature(
                    "handle_filecoin_method(uint64,uint64,bytes)",
                    Fil.MARKET_NOTIFY_DEAL_METHOD,
                    Fil.CODEC_CBOR,
                    CborWriter.finish(b)
                )
            );
            if (!ok) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
            emit Published(id, 0);
        }
    }

    /// @notice The AuthenticateMessage call alone, as a STATICCALL (the market sends it with READ_ONLY).
    function authenticate(address client, bytes calldata proposal) public view returns (bool) {
        (bool ok, bytes memory ret) = client.staticcall(authCall(proposal));
        if (!ok) return false;
        (uint32 exit, uint64 codec, bytes memory r) = abi.decode(ret, (uint32, uint64, bytes));
        return exit == 0 && codec == Fil.CODEC_CBOR && r.length == 1 && r[0] == 0xf5;
    }

    function authCall(bytes calldata proposal) public pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(proposal.length + 16);
        CborWriter.writeArrayHeader(b, 2);
        CborWriter.writeBytes(b, hex"dead"); // Boost's placeholder signature for contract clients
        CborWriter.writeBytes(b, proposal);
        return abi.encodeWithSignature(
            "handle_filecoin_method(uint64,uint64,bytes)",
            Fil.AUTHENTICATE_MESSAGE_METHOD,
            Fil.CODEC_CBOR,
            CborWriter.finish(b)
        );
    }

    /// @notice Rewrites the client address to its ID form (publish_storage_deals: "Normalise provider and client
    ///         addresses"); the provider is already an ID address in Boost's proposals.
    function normalize(bytes calldata proposal, uint64 clientId) public pure returns (bytes memory) {
        bytes memory m = proposal;
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);
        bytes memory idAddr = FilAddress.fromId(clientId);
        // the client's byte-string header is one byte (22 < 24), as is the ID address's (<= 11 bytes)
        bytes memory head = CborReader.slice(m, 0, p.clientStart - 1);
        bytes memory tail = CborReader.slice(m, p.clientStart + p.clientLen, m.length - p.clientStart - p.clientLen);
        return bytes.concat(head, bytes1(uint8(0x40 + idAddr.length)), idAddr, tail);
    }

    // ---- native methods (reached through the call_actor_id mock)

    function handle_filecoin_method(uint64 method, uint64, bytes calldata params)
        external
        payable
        returns (uint32, uint64, bytes memory)
    {
        if (method == Fil.MARKET_GET_DEAL_ACTIVATION_METHOD) {
            (uint64 id, uint256 q) = CborReader.readUint(params, 0);
            CborReader.requireEnd(params, q);
            if (activationExitOverride != 0) return (activationExitOverride, 0, "");
            DealState storage d = deals[id];
            if (!d.exists) return (17, 0, ""); // USR_NOT_FOUND
            if (d.expired) return (32, 0, ""); // EX_DEAL_EXPIRED
            CborWriter.Buf memory b = CborWriter.create(20);
            CborWriter.writeArrayHeader(b, 2);
            CborWriter.writeInt(b, d.activated);
            CborWriter.writeInt(b, -1); // terminated: never set on current actors (a terminated deal answers 32)
            return (0, Fil.CODEC_CBOR, CborWriter.finish(b));
        }
        if (method == Fil.MARKET_GET_DEAL_SECTOR_METHOD) {
            // builtin-actors get_deal_sector: GetDealSectorReturn is transparent, the sector number as a bare uint
            (uint64 id, uint256 q) = CborReader.readUint(params, 0);
            CborReader.requireEnd(params, q);
            DealState storage d = deals[id];
            if (!d.exists) return (17, 0, ""); // USR_NOT_FOUND
            if (d.expired) return (32, 0, ""); // EX_DEAL_EXPIRED: terminated, or settled and removed
            if (d.activated == -1) return (33, 0, ""); // EX_DEAL_NOT_ACTIVATED
            CborWriter.Buf memory b = CborWriter.create(9);
            CborWriter.writeUint(b, sectorOf[id]);
            return (0, Fil.CODEC_CBOR, CborWriter.finish(b));
        }
        if (method == Fil.MARKET_ADD_BALANCE_METHOD) {
            (uint256 s, uint256 l, uint256 q) = CborReader.readBytesRef(params, 0);
            CborReader.requireEnd(params, q);
            if (msg.value == 0) return (16, 0, ""); // USR_ILLEGAL_ARGUMENT: balance to add must be > 0
            escrow[CborReader.hashRange(params, s, l)] += msg.value;
            return (0, 0, "");
        }
        return (22, 0, ""); // USR_UNHANDLED_MESSAGE
    }
}

/// @notice Power actor stand-in at f04 answering MinerRawPower: exit 0 for actors with a power claim (miners),
///         USR_ILLEGAL_ARGUMENT (16) for any other actor, as builtin-actors' power actor does.
contract MockPower {
    mapping(uint64 => bool) public isMiner;

    function setMiner(uint64 id, bool v) external {
        isMiner[id] = v;
    }

    function handle_filecoin_method(uint64 method, uint64, bytes calldata params)
        external
        view
        returns (uint32, uint64, bytes memory)
    {
        if (method != Fil.POWER_MINER_RAW_POWER_METHOD) return (22, 0, "");
        (uint64 id, uint256 q) = CborReader.readUint(params, 0);
        CborReader.requireEnd(params, q);
        if (!isMiner[id]) return (16, 0, "");
        return (0, Fil.CODEC_CBOR, hex"8240f4"); // [raw_byte_power 0, meets_consensus_minimum false]
    }
}

/// @notice Miner actor stand-in at 0xff‖0…0‖id answering IsControllingAddress, GetOwner and the FIP-0112
///         sector status methods GenerateSectorLocation and ValidateSectorStatus (builtin-actors
///         actors/miner/src/lib.rs: same CBOR, same exit codes).
contract MockMiner {
    /// @dev A sector in the sectors AMT and its partition: `terminated` and `faulty` are the partition's bitfields.
    ///      A terminated sector stays in the AMT (and its partition) until the provider compacts the partition.
    struct SectorState {
        bool exists;
        bool terminated;
        bool faulty;
        int64 deadline;
        int64 partition;
    }

    mapping(bytes32 => bool) public controlling; // keccak(Filecoin address bytes)
    bytes public ownerAddr;
    mapping(uint64 => SectorState) public sectors;

    // ---- test driver: the sector's life on the miner

    function commitSector(uint64 sector) external {
        sectors[sector] = SectorState(true, false, false, int64(uint64(sector % 48)), 0);
    }

    /// @notice TerminateSectors (or a fault past FaultMaxAge): terminated in its partition, still in the AMT.
    function terminateSector(uint64 sector) external {
        require(sectors[sector].exists, "no sector");
        sectors[sector].terminated = true;
        sectors[sector].faulty = false;
    }

    /// @notice CompactPartitions: a terminated sector leaves the sectors AMT.
    function compactSector(uint64 sector) external {
        require(sectors[sector].terminated, "not terminated");
        delete sectors[sector];
    }

    function setFaulty(uint64 sector, bool v) external {
        require(sectors[sector].exists && !sectors[sector].terminated, "no live sector");
        sectors[sector].faulty = v;
    }

    /// @notice CompactPartitions / MovePartitions: the sector's location changes.
    function moveSector(uint64 sector, int64 deadline, int64 partition) external {
        require(sectors[sector].exists, "no sector");
        sectors[sector].deadline = deadline;
        sectors[sector].partition = partition;
    }

    function statusOf(uint64 sector) public view returns (uint8) {
        SectorState storage s = sectors[sector];
        if (!s.exists || s.terminated) return 0; // Dead
        return s.faulty ? 2 : 1; // Faulty : Active
    }

    function setControlling(bytes calldata filAddress, bool v) external {
        controlling[keccak256(filAddress)] = v;
    }

    function setOwner(bytes calldata filAddress) external {
        ownerAddr = filAddress;
        controlling[keccak256(filAddress)] = true;
    }

    function handle_filecoin_method(uint64 method, uint64, bytes calldata params)
        external
        view
        returns (uint32, uint64, bytes memory)
    {
        if (method == Fil.MINER_GET_OWNER_METHOD) {
            // [owner, proposed = null]; an address is shorter than 24 bytes, so its header is one byte
            return (0, Fil.CODEC_CBOR, abi.encodePacked(hex"82", uint8(0x40 + ownerAddr.length), ownerAddr, hex"f6"));
        }
        if (method == Fil.MINER_GENERATE_SECTOR_LOCATION_METHOD) return _generateSectorLocation(params);
        if (method == Fil.MINER_VALIDATE_SECTOR_STATUS_METHOD) return _validateSectorStatus(params);
        if (method != Fil.MINER_IS_CONTROLLING_ADDRESS_METHOD) return (22, 0, "");
        (uint256 s, uint256 l, uint256 q) = CborReader.readBytesRef(params, 0);
        CborReader.requireEnd(params, q);
        bool v = controlling[CborReader.hashRange(params, s, l)];
        return (0, Fil.CODEC_CBOR, v ? bytes(hex"f5") : bytes(hex"f4"));
    }

    /// @dev GenerateSectorLocationParams [sector_number] -> [status, aux_data = CBOR [deadline, partition]];
    ///      a sector not in the AMT is Dead at (NO_DEADLINE, NO_PARTITION).
    function _generateSectorLocation(bytes calldata params) internal view returns (uint32, uint64, bytes memory) {
        (uint64 n, uint256 q) = CborReader.readArray(params, 0);
        if (n != 1) return (21, 0, ""); // USR_SERIALIZATION
        uint64 sector;
        (sector, q) = CborReader.readUint(params, q);
        CborReader.requireEnd(params, q);
        SectorState storage st = sectors[sector];
        bytes memory aux = _location(st.exists ? st.deadline : int64(-1), st.exists ? st.partition : int64(-1));
        CborWriter.Buf memory b = CborWriter.create(32);
        CborWriter.writeArrayHeader(b, 2);
        CborWriter.writeUint(b, statusOf(sector));
        CborWriter.writeBytes(b, aux);
        return (0, Fil.CODEC_CBOR, CborWriter.finish(b));
    }

    /// @dev ValidateSectorStatusParams [sector_number, status, aux_data] -> bool (transparent). The location must
    ///      be where the sector is (exit 17 otherwise); (-1, -1) can only prove a sector Dead that left the AMT.
    function _validateSectorStatus(bytes calldata params) internal view returns (uint32, uint64, bytes memory) {
        (uint64 n, uint256 q) = CborReader.readArray(params, 0);
        if (n != 3) return (21, 0, "");
        uint64 sector;
        uint64 status;
        bytes memory aux;
        (sector, q) = CborReader.readUint(params, q);
        (status, q) = CborReader.readUint(params, q);
        (aux, q) = CborReader.readBytes(params, q);
        CborReader.requireEnd(params, q);
        if (status > 2) return (21, 0, ""); // not a SectorStatusCode
        (n, q) = CborReader.readArray(aux, 0);
        if (n != 2) return (16, 0, ""); // USR_ILLEGAL_ARGUMENT: invalid aux_data
        int64 deadline;
        int64 partition;
        (deadline, q) = CborReader.readInt(aux, q);
        (partition, q) = CborReader.readInt(aux, q);
        CborReader.requireEnd(aux, q);
        if ((deadline == -1) != (partition == -1)) return (16, 0, "");
        SectorState storage st = sectors[sector];
        bool valid;
        if (deadline == -1) {
            if (st.exists) return (17, 0, ""); // USR_NOT_FOUND: "not found at NO_DEADLINE, NO_PARTITION"
            valid = status == 0;
        } else {
            if (deadline < 0 || deadline >= 48 || partition < 0) return (16, 0, "");
            if (!st.exists || st.deadline != deadline || st.partition != partition) return (17, 0, "");
            valid = status == 1 ? (!st.terminated && !st.faulty) : status == 0 ? st.terminated : st.faulty;
        }
        return (0, Fil.CODEC_CBOR, valid ? bytes(hex"f5") : bytes(hex"f4"));
    }

    function _location(int64 deadline, int64 partition) internal pure returns (bytes memory) {
        CborWriter.Buf memory b = CborWriter.create(20);
        CborWriter.writeArrayHeader(b, 2);
        CborWriter.writeInt(b, deadline);
        CborWriter.writeInt(b, partition);
        return CborWriter.finish(b);
    }
}

/// @notice DataCap actor stand-in at f07: mints to a client, calling its FRC-0046 receiver hook.
contract MockDataCap {
    function mint(address client, uint64 from, uint64 to, uint256 amount) external {
        CborWriter.Buf memory pl = CborWriter.create(64);
        CborWriter.writeArrayHeader(pl, 6);
        CborWriter.writeUint(pl, from);
        CborWriter.writeUint(pl, to);
        CborWriter.writeUint(pl, 6); // operator: the verified registry (f06) mints through the datacap actor
        CborWriter.writeBigInt(pl, amount);
        CborWriter.writeBytes(pl, "");
        CborWriter.writeBytes(pl, "");
        CborWriter.Buf memory b = CborWriter.create(96);
        CborWriter.writeArrayHeader(b, 2);
        CborWriter.writeUint(b, Fil.FRC46_TOKEN_TYPE);
        CborWriter.writeBytes(b, CborWriter.finish(pl));
        (bool ok, bytes memory ret) = client.call(
            abi.encodeWithSignature(
                "handle_filecoin_method(uint64,uint64,bytes)",
                Fil.DATACAP_RECEIVER_HOOK_METHOD,
                Fil.CODEC_CBOR,
                CborWriter.finish(b)
            )
        );
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
