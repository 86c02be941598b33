// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Fil, FilAddress} from "./lib/FilecoinTypes.sol";
import {FilecoinActors} from "./lib/FilecoinActors.sol";
import {DealCodec, ProposalView} from "./lib/DealCodec.sol";

/// @title Storage layout, types, events, errors and shared helpers of FilFilDealClient.
/// @notice FilFilDealClient and FilFilDealClientExt both inherit this and nothing else with state, so the
///         extension can run (DELEGATECALL) on the client's storage. The split keeps each contract under the
///         EIP-170 code size limit, which FEVM enforces too (builtin-actors evm MAX_CODE_SIZE = 24 KiB).
abstract contract FilFilStorage {
    // ------------------------------------------------------------------------------------------------ types

    struct Params {
        uint256 minCollateral; // attoFIL a provider must lock to register
        uint256 rewardPerSnapshot; // attoFIL for one replica of one snapshot over one full `term`
        uint256 pricePerEpoch; // storage_price_per_epoch offered on the market (paid from market escrow)
        uint256 providerCollateralPerGiB; // provider_collateral in proposals, per GiB of padded size (rounded up)
        uint64 windowLength; // epochs a provider has to get its deals published
        uint64 term; // deal duration in epochs (180..1278 days)
        uint64 slotLifetime; // epochs a snapshot should be kept from publication
        uint64 startDelay; // epochs between a proposal and its deal start (sealing time)
        uint64 renewLead; // a replica whose deals end within this many epochs is re-offered
        uint32 maxProviders; // cap on registered (active) providers
        uint32 replicas; // R: providers per slot
        uint32 missLimit; // consecutive missed windows before deregistration
        uint16 slashBps; // share of collateral moved to the pool on deregistration by the rules (<= MAX_SLASH_BPS)
        bool verifiedDeals; // verified_deal flag of proposals (needs DataCap on this contract)
        uint64 timelock; // epochs between announcing and applying setParams / withdrawRewardPool (0: immediate)
    }

    struct PieceInput {
        bytes pieceCid; // binary CIDv1 (fil-commitment-unsealed, sha2-256-trunc254-padded)
        uint64 paddedSize;
        uint64 carSize;
    }

    struct Piece {
        bytes pieceCid;
        bytes32 labelHash; // keccak256 of the label text (base32 piece CID)
        uint64 paddedSize;
        uint64 carSize;
    }

    struct Slot {
        bool exists;
        uint32 pieceCount;
        uint64 publishedAt;
        uint64 lifetimeEnd;
        uint64 totalSize;
        uint32 deals; // deals recorded for the slot's pieces (a slot with deals cannot be retracted)
        bool listed; // in _slotList (stays set when the slot is retracted, so republishing does not list it twice)
    }

    struct Provider {
        address controller; // EVM address that registered; receives collateral and rewards
        uint8 status;
        uint32 rosterIndex; // position in _roster + 1 while active (0: not in the roster)
        uint32 misses; // consecutive missed windows
        uint32 missLimit; // the slash terms this registration accepted (snapshot of Params at register)
        uint16 slashBps;
        uint64 lastDealEnd; // latest end epoch of its recorded deals: the collateral stays until then
        uint64 coolDownUntil; // a provider removed by the rules cannot register again before this epoch
        uint64 windowFirst; // latest assigned window (the furthest in the future), inclusive
        uint64 windowLast;
        uint256 windowAssignment;
        uint256 collateral;
        string retrievalUrl;
    }

    struct Assignment {
        uint64 provider;
        uint64 slot;
        uint64 first;
        uint64 last;
        uint64 coverEnd; // earliest end epoch over the replica's deals (set as deals arrive)
        uint32 piecesDone;
        uint8 status;
        uint64 maxDuration; // the longest deal this replica can take, fixed when the window is assigned
        uint128 budget; // the replica's reward, reserved from the pool when the window is assigned
        uint128 reserve; // what is left of the budget (released to the pool when the window closes)
    }

    struct Deal {
        uint64 provider;
        uint64 slot;
        uint32 pieceIndex;
        uint8 state;
        int64 start;
        int64 end;
        int64 lastSeenActive; // latest epoch at which the market reported the deal active
        address payee;
        uint256 assignment;
        uint256 reward;
        uint256 claimed;
        uint256 forfeited;
    }

    /// @dev Where a deal lives on its miner (FIP-0112 checks): learned from the market (GetDealSector) when the
    ///      deal is first seen active; the location is GenerateSectorLocation's and is refreshed when stale.
    struct SectorRef {
        uint64 sector;
        bool known; // sector number learned
        bool located; // deadline and partition below are a location the miner gave
        bool faulty; // the last check found the sector faulty: vesting is frozen until it is seen active again
        int64 deadline;
        int64 partition;
    }

    struct Proposal {
        uint64 provider; // the provider whose controller proposed (0: the operator; any assigned provider)
        uint64 slot;
        uint32 pieceIndex;
        int64 start;
        int64 end;
        uint64 carSize;
        string locationRef;
    }

    struct ReplicaView {
        uint256 assignment;
        uint64 provider;
        uint8 status;
        uint64 windowFirst;
        uint64 windowLast;
        uint64 coverEnd;
        uint32 piecesDone;
        string retrievalUrl;
        int256[] dealIds; // per piece; -1 where no deal yet
    }

    // provider status
    uint8 public constant P_NONE = 0;

    uint8 public constant P_ACTIVE = 1;

    uint8 public constant P_LEAVING = 2; // unregistered; keeps its assigned windows; collateral after the last
    uint8 public constant P_REMOVED = 3; // deregistered by the rules
    // assignment status
    uint8 public constant A_OPEN = 1;

    uint8 public constant A_FULFILLED = 2;

    uint8 public constant A_MISSED = 3;

    uint8 public constant A_FAILED = 4;

    uint8 public constant A_VOID = 5; // closed without a miss: the contract refused deals (pause) or the slot was retracted

    // deal state
    uint8 public constant D_PUBLISHED = 1;

    uint8 public constant D_ACTIVE = 2;

    uint8 public constant D_TERMINATED = 3;

    uint8 public constant D_COMPLETED = 4;

    // reasons
    uint8 public constant R_MISSED_WINDOWS = 1;

    uint8 public constant R_DEAL_TERMINATED = 2;

    uint8 public constant T_SLASHED = 1; // market reports a termination epoch
    uint8 public constant T_NOT_ACTIVATED = 2; // start epoch passed without activation
    uint8 public constant T_EXPIRED_EARLY = 3; // market says expired (exit 32) before the deal's end
    uint8 public constant T_UNOBSERVED = 4; // ended and cleaned up without ever being seen active
    uint8 public constant T_ENDED_UNCONFIRMED = 5; // ended and cleaned up: vests only to the last epoch seen active
    uint8 internal constant T_SECTOR_DEAD = 6; // the miner reports the deal's sector dead (terminated) before the end
    uint8 public constant IGNORE_UNKNOWN_PIECE = 1;

    uint8 public constant IGNORE_NOT_ASSIGNED = 2;

    uint8 public constant IGNORE_DUPLICATE = 3;

    uint8 public constant IGNORE_BAD_PROVIDER = 4;

    bytes7 internal constant PIECE_CID_PREFIX = 0x0181e203922020; // v1, 0xf101, 0x1012, 32-byte digest
    uint256 internal constant MAX_URL = 1024;

    uint256 internal constant MAX_PROVIDERS_LIMIT = 500;

    uint256 internal constant MAX_REPLICAS_LIMIT = 16;

    uint256 internal constant MAX_PIECES = 64;

    uint256 internal constant MAX_SLASH_BPS = 5000;

    uint256 internal constant MAX_TIMELOCK = 30 * 2880;

    uint64 internal constant COOL_DOWN = 30 * 2880;

    uint256 internal constant KEEPER_BOUNTY_BPS = 1000; // share of a forfeit paid to whoever reports the termination

    // ------------------------------------------------------------------------------------------------ state

    address public owner;

    address public pendingOwner;

    bool public paused;

    uint256 internal _lock = 1;

    Params internal _params;

    mapping(uint64 => Provider) internal _providers;

    uint64[] internal _roster; // the active providers (registration order, a leaver's place taken by the last)
    uint64[] internal _roundOrder; // the current round
    uint256 public roundCursor; // next position in _roundOrder
    uint256 public round;

    uint256 public activeProviders;

    mapping(uint64 => Slot) internal _slots;

    mapping(uint64 => Piece[]) internal _pieces;

    uint64[] internal _slotList;

    mapping(bytes32 => uint256) internal _pieceRef; // keccak(pieceCid) => (slot << 32 | index) + 1

    uint256 public assignmentCount;

    mapping(uint256 => Assignment) internal _assignments;

    mapping(uint64 => uint256[]) internal _slotAssignments; // every assignment ever made for a slot
    mapping(uint64 => uint256[]) internal _liveAssignments; // open or covering ones (pruned on offers)
    mapping(uint64 => mapping(uint64 => uint256)) public latestAssignment; // slot => provider => assignment
    mapping(uint256 => mapping(uint32 => uint256)) internal _replicaDeal; // assignment => piece => dealId + 1

    mapping(uint64 => Deal) internal _deals;

    mapping(bytes32 => Proposal) internal _proposals;

    uint256 public proposalCount;

    // accounting (attoFIL); invariant: balance == rewardPool + reservedRewards + collateralHeld
    uint256 public rewardPool; // free, unreserved reward funds
    uint256 public reservedRewards; // reserved for recorded deals, not yet claimed or forfeited
    uint256 public collateralHeld;

    uint256 public totalFunded;

    uint256 public totalCollateralIn;

    uint256 public totalCollateralOut;

    uint256 public totalClaimed;

    uint256 public totalForfeited;

    uint256 public totalSlashed;

    uint256 public totalPoolWithdrawn;

    uint256 public totalEscrowed;

    uint256 public dataCapReceived;

    uint256 public windowReserved; // part of reservedRewards held by open windows (Assignment.reserve)

    uint256 public totalBounties; // keeper bounties paid for reported terminations

    uint64[] internal _pauseStarts; // pause history: [start, end] epochs; a window overlapping one is void
    uint64[] internal _pauseEnds;

    mapping(uint64 => uint256[]) internal _openOf; // provider => its assignments that may still be open

    mapping(bytes32 => int64) internal _offeredEnd; // keccak(pieceCid, start, provider) => end of a proposal we made

    mapping(bytes32 => uint64) internal _announced; // timelocked operator action => epoch it may run from

    mapping(uint64 => SectorRef) internal _dealSectors; // dealId => its sector on the provider's miner (F5)

    // ------------------------------------------------------------------------------------------------ events

    /// @notice Boost's contract-deal monitor subscribes to this exact signature (storagemarket/contract_deal_monitor.go).
    event DealProposalCreate(bytes32 indexed id, uint64 size, bool indexed verified, uint256 price);

    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    event Paused(address account);

    event Unpaused(address account);

    event ParamsUpdated(Params params);

    event RewardsFunded(address indexed from, uint256 amount);

    event RewardPoolWithdrawn(address indexed to, uint256 amount);

    event MarketEscrowFunded(uint256 amount);

    event DataCapReceived(uint64 indexed from, uint64 indexed operator, uint256 amount);

    event ProviderRegistered(
        uint64 indexed provider, address indexed controller, uint256 collateral, uint256 joinsRound, string retrievalUrl
    );

    event RetrievalUrlSet(uint64 indexed provider, string retrievalUrl);

    event ProviderUnregistered(uint64 indexed provider, uint64 lastWindowEnd);

    event ProviderDeregistered(uint64 indexed provider, uint8 reason, uint256 slashed);

    event CollateralWithdrawn(uint64 indexed provider, address indexed to, uint256 amount);

    event RoundStarted(uint256 indexed round, uint256 providers);

    event SlotPublished(uint64 indexed slot, uint32 pieces, uint64 totalPaddedSize, uint64 lifetimeEnd);

    event PieceStaged(uint64 indexed slot, uint32 index, bytes pieceCid, uint64 paddedSize, uint64 carSize);

    event SlotOffered(uint64 indexed slot, uint256 wanted, uint256 assigned);

    event WindowAssigned(
        uint64 indexed slot, uint64 indexed provider, uint256 indexed assignment, uint64 first, uint64 last
    );

    event WindowMissed(uint64 indexed slot, uint64 indexed provider, uint256 indexed assignment, uint32 misses);

    event ReplicaFulfilled(uint64 indexed slot, uint64 indexed provider, uint256 indexed assignment, uint64 coverEnd);

    event ReplicaFailed(uint64 indexed slot, uint64 indexed provider, uint256 indexed assignment);

    event WindowVoided(uint64 indexed slot, uint64 indexed provider, uint256 indexed assignment);

    event SlotRetracted(uint64 indexed slot);

    event KeeperBounty(uint64 indexed dealId, address indexed keeper, uint256 amount);

    event ActionAnnounced(bytes32 indexed action, uint64 executableAt);

    event ControllerChanged(uint64 indexed provider, address indexed controller);

    event ProposalCreated(
        bytes32 indexed id, uint64 indexed slot, uint32 pieceIndex, int64 startEpoch, int64 endEpoch, string locationRef
    );

    event DealRecorded(
        uint64 indexed slot,
        uint64 indexed provider,
        uint64 indexed dealId,
        uint32 pieceIndex,
        int64 startEpoch,
        int64 endEpoch,
        uint256 reward
    );

    event DealIgnored(uint64 indexed dealId, uint8 reason);

    event DealActivated(uint64 indexed dealId, int64 activatedEpoch);

    event DealTerminated(uint64 indexed dealId, uint64 indexed provider, uint8 reason, uint256 forfeited);

    event RewardClaimed(uint64 indexed dealId, address indexed to, uint256 amount);

    /// @notice The deal's sector was found faulty: its vesting is frozen until the sector is seen active again.
    event DealSectorFaulty(uint64 indexed dealId, uint64 sector);

    /// @notice The sector recovered: the reward of [fromEpoch, toEpoch] (last seen active before the fault, first
    ///         seen active after it) is forfeited to the pool.
    event DealFaultForfeit(uint64 indexed dealId, int64 fromEpoch, int64 toEpoch, uint256 forfeited);

    // ------------------------------------------------------------------------------------------------ errors

    error NotOwner();

    error NotPendingOwner();

    error ZeroAddress();

    error IsPaused();

    error NotPaused();

    error Reentrancy();

    error InvalidParams(string what);

    error TransferFailed();

    error InsufficientRewardPool(uint256 available, uint256 wanted);

    error MarketCallFailed(int256 exitCode);

    error InvalidMinerId(uint64 minerId);

    error AlreadyRegistered(uint64 provider);

    error NotRegistered(uint64 provider);

    error InsufficientCollateral(uint256 sent, uint256 required);

    error ProviderCapReached(uint256 cap);

    error NotMinerController(uint64 minerId, address caller);

    error NotController(uint64 provider);

    error WindowNotClosed(uint64 lastWindowEnd);

    error InvalidUrl();

    error SlotExists(uint64 slot);

    error UnknownSlot(uint64 slot);

    error NoPieces();

    error TooManyPieces();

    error InvalidPieceCid(uint32 index);

    error InvalidPieceSize(uint32 index);

    error InvalidCarSize(uint32 index);

    error PieceAlreadyStaged(uint32 index);

    error UnknownPieceIndex(uint64 slot, uint32 pieceIndex);

    error CarSizeMismatch(uint64 staged, uint64 given);

    error NoOpenWindow(uint64 slot);

    error ProposalExists(bytes32 id);

    error UnknownProposal(bytes32 id);

    error SlotRetired(uint64 slot);

    error NothingToOffer(uint64 slot);

    error NoEligibleProvider(uint64 slot);

    error NothingToSettle(uint256 assignment);

    error SlotHasDeals(uint64 slot);

    error NotOfferedTerms(int64 start, int64 end);

    error ProviderCollateralMismatch(uint256 proposed, uint256 required);

    error NotAMiner(uint64 actorId);

    error NotMinerOwner(uint64 minerId, address caller);

    error TimelockPending(uint64 executableAt);

    error NotProposer(address caller);

    error CoolingDown(uint64 until);

    error CollateralLocked(uint64 until);

    // AuthenticateMessage rejections: each names the rule that failed (visible to Boost's StateCall simulation)
    error NotMarketActor(address caller);

    error NotDataCapActor(address caller);

    error UnsupportedMethod(uint64 method);

    error UnsupportedCodec(uint64 codec);

    error WrongClient();

    error UnknownPiece();

    error PieceSizeMismatch(uint64 staged, uint64 proposed);

    error ProviderNotIdAddress();

    error ProviderNotRegistered(uint64 provider);

    error ProviderNotAssigned(uint64 provider, uint64 slot);

    error OutsideWindow(uint64 first, uint64 last, uint256 epoch);

    error PieceAlreadyDealt(uint64 provider, uint64 slot, uint32 pieceIndex);

    error VerifiedMismatch();

    error PriceTooHigh(uint256 proposed, uint256 max);

    error ClientCollateralTooHigh(uint256 proposed);

    error StartEpochOutOfRange(int64 start);

    error DurationOutOfRange(int64 duration);

    error EndBeyondLifetime(int64 end);

    error LabelMismatch();

    error UnknownDeal(uint64 dealId);

    error DealNotLive(uint64 dealId);

    error NotPayee(uint64 dealId);

    error NothingToClaim(uint64 dealId);

    // ------------------------------------------------------------------------------------------------ modifiers

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    modifier whenNotPaused() {
        if (paused) revert IsPaused();
        _;
    }

    modifier nonReentrant() {
        if (_lock != 1) revert Reentrancy();
        _lock = 2;
        _;
        _lock = 1;
    }

    modifier onlyController(uint64 provider) {
        Provider storage p = _providers[provider];
        if (p.status == P_NONE) revert NotRegistered(provider);
        if (msg.sender != p.controller) revert NotController(provider);
        _;
    }

    function _validate(Params memory p) internal pure {
        if (p.minCollateral == 0) revert InvalidParams("minCollateral");
        if (p.windowLength == 0 || p.windowLength > 2880) revert InvalidParams("windowLength");
        if (int64(p.term) < Fil.MIN_DEAL_DURATION || int64(p.term) > Fil.MAX_DEAL_DURATION) {
            revert InvalidParams("term");
        }
        if (int64(p.slotLifetime) < Fil.MIN_DEAL_DURATION || p.slotLifetime > 20 * 365 * 2880) {
            revert InvalidParams("slotLifetime");
        }
        if (p.startDelay == 0 || p.startDelay > 30 * 2880) revert InvalidParams("startDelay");
        if (p.renewLead < p.startDelay + p.windowLength || int64(p.renewLead) >= Fil.MIN_DEAL_DURATION) {
            revert InvalidParams("renewLead");
        }
        if (p.maxProviders == 0 || p.maxProviders > MAX_PROVIDERS_LIMIT) revert InvalidParams("maxProviders");
        if (p.replicas == 0 || p.replicas > MAX_REPLICAS_LIMIT) revert InvalidParams("replicas");
        if (p.missLimit == 0) revert InvalidParams("missLimit");
        if (p.slashBps > MAX_SLASH_BPS) revert InvalidParams("slashBps");
        if (p.timelock > MAX_TIMELOCK) revert InvalidParams("timelock");
    }

    /// @notice Reward vested so far, as of the last time the market and the miner reported the deal active,
    ///         less what faulty stretches forfeited (`forfeited` of a live deal).
    function _vested(uint64 dealId) internal view returns (uint256) {
        Deal storage d = _deals[dealId];
        if (d.state == D_TERMINATED) return d.reward - d.forfeited;
        if (d.state == D_ACTIVE || d.state == D_COMPLETED) return _vestedAt(d, d.lastSeenActive) - d.forfeited;
        return 0;
    }

    function _vestedAt(Deal storage d, int64 t) internal view returns (uint256) {
        if (t <= d.start) return 0;
        if (t >= d.end) return d.reward;
        return d.reward * uint256(uint64(t - d.start)) / uint256(uint64(d.end - d.start));
    }

    function _dealDuration(uint64 lifetimeEnd, int64 start) internal view returns (int64 d) {
        d = int64(lifetimeEnd) - start;
        if (d < Fil.MIN_DEAL_DURATION) d = Fil.MIN_DEAL_DURATION;
        if (d > int64(_params.term)) d = int64(_params.term);
    }

    /// @dev Returns what is left of a closing window's reserved budget to the free pool.
    function _release(Assignment storage a) internal {
        uint256 r = a.reserve;
        if (r != 0) {
            a.reserve = 0;
            windowReserved -= r;
            reservedRewards -= r;
            rewardPool += r;
        }
    }

    /// @dev Swap-and-pop: the roster holds exactly the active providers, so its length never exceeds
    ///      maxProviders (at most MAX_PROVIDERS_LIMIT), whatever the history of joins and leaves.
    function _leaveRoster(Provider storage p) internal {
        uint256 i = p.rosterIndex;
        if (i == 0) return;
        uint64 last = _roster[_roster.length - 1];
        _roster[i - 1] = last;
        _providers[last].rosterIndex = uint32(i);
        _roster.pop();
        p.rosterIndex = 0;
        activeProviders -= 1;
    }

    function _deregister(uint64 provider, uint8 reason, uint256 slashBps) internal {
        Provider storage p = _providers[provider];
        if (p.status == P_ACTIVE) _leaveRoster(p);
        p.status = P_REMOVED;
        if (reason == R_MISSED_WINDOWS) p.misses = 0; // paid for by the slash; a voluntary leaver keeps its count
        p.coolDownUntil = uint64(block.number) + COOL_DOWN; // F9: removal has a lasting effect
        uint256 slash = p.collateral * slashBps / 10_000;
        if (slash != 0) {
            p.collateral -= slash;
            collateralHeld -= slash;
            rewardPool += slash;
            totalSlashed += slash;
        }
        emit ProviderDeregistered(provider, reason, slash);
    }

    /// @dev URLs go into Boost's transfer JSON verbatim (`{"URL":"%s"}`): no quotes, backslashes or controls.
    function _checkUrl(bytes memory u, bool allowEmpty) internal pure {
        if ((u.length == 0 && !allowEmpty) || u.length > MAX_URL) revert InvalidUrl();
        for (uint256 i = 0; i < u.length; i++) {
            uint8 c = uint8(u[i]);
            if (c < 0x21 || c == 0x22 || c == 0x5c || c == 0x7f) revert InvalidUrl();
        }
    }

    function _send(address payable to, uint256 amount) internal {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }
}

/// @notice Base of the contracts the client DELEGATECALLs: they run only on the client's storage.
abstract contract FilFilExtension is FilFilStorage {
    address private immutable self = address(this);

    error OnlyThroughClient();

    modifier onlyDelegated() {
        if (address(this) == self) revert OnlyThroughClient();
        _;
    }
}
