// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CborReader} from "./lib/Cbor.sol";
import {
    Fil, FilAddress, FilecoinCodec, CidString, DecodedProposal, ProposalFields
} from "./lib/FilecoinTypes.sol";
import {FilecoinActors} from "./lib/FilecoinActors.sol";

/// @title FilFil deal client: an incentivized overlay on the Filecoin storage market for chain snapshots.
/// @notice Storage providers register a miner with collateral and are elected round-robin into short windows.
///         The operator publishes each snapshot ("slot", keyed by chain height) as staged pieces; in its window an
///         assigned provider takes a Boost contract deal for each piece (DealProposalCreate → getDealProposal /
///         getExtraParams → PublishStorageDeals → AuthenticateMessage → MarketNotifyDeal). Rewards from the
///         contract's pool vest linearly over each deal's term and are pulled with claim().
///         See docs/contracts.md for the design, parameters and byte formats.
contract FilFilDealClient {
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
        uint16 slashBps; // share of collateral moved to the reward pool on miss-limit deregistration
        bool verifiedDeals; // verified_deal flag of proposals (needs DataCap on this contract)
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
    }

    struct Provider {
        address controller; // EVM address that registered; receives collateral and rewards
        uint8 status;
        bool inRoster;
        uint32 misses; // consecutive missed windows
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

    struct Proposal {
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
    uint8 public constant IGNORE_UNKNOWN_PIECE = 1;
    uint8 public constant IGNORE_NOT_ASSIGNED = 2;
    uint8 public constant IGNORE_DUPLICATE = 3;
    uint8 public constant IGNORE_BAD_PROVIDER = 4;

    bytes7 private constant PIECE_CID_PREFIX = 0x0181e203922020; // v1, 0xf101, 0x1012, 32-byte digest
    uint256 private constant MAX_URL = 1024;
    uint256 private constant MAX_PROVIDERS_LIMIT = 500;
    uint256 private constant MAX_REPLICAS_LIMIT = 16;
    uint256 private constant MAX_PIECES = 64;

    // ------------------------------------------------------------------------------------------------ state

    address public owner;
    address public pendingOwner;
    bool public paused;
    uint256 private _lock = 1;
    Params internal _params;

    mapping(uint64 => Provider) internal _providers;
    uint64[] internal _roster; // registration order; compacted at each round roll
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

    constructor(address initialOwner, Params memory params) {
        if (initialOwner == address(0)) revert ZeroAddress();
        _validate(params);
        owner = initialOwner;
        _params = params;
        emit OwnershipTransferred(address(0), initialOwner);
        emit ParamsUpdated(params);
    }

    // ------------------------------------------------------------------------------------------------ operator

    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner; // address(0) cancels a pending transfer
        emit OwnershipTransferStarted(owner, newOwner);
    }

    function acceptOwnership() external {
        if (msg.sender != pendingOwner || msg.sender == address(0)) revert NotPendingOwner();
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }

    function pause() external onlyOwner {
        if (paused) revert IsPaused();
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyOwner {
        if (!paused) revert NotPaused();
        paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice New parameters apply to future registrations, windows, proposals and deals; recorded deals keep
    ///         their reward and term.
    function setParams(Params calldata params) external onlyOwner {
        _validate(params);
        _params = params;
        emit ParamsUpdated(params);
    }

    function getParams() external view returns (Params memory) {
        return _params;
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
        if (p.slashBps > 10_000) revert InvalidParams("slashBps");
    }

    /// @notice Anyone may add to the reward pool.
    function fundRewards() public payable {
        rewardPool += msg.value;
        totalFunded += msg.value;
        emit RewardsFunded(msg.sender, msg.value);
    }

    receive() external payable {
        fundRewards();
    }

    function withdrawRewardPool(address payable to, uint256 amount) external onlyOwner nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        if (amount > rewardPool) revert InsufficientRewardPool(rewardPool, amount);
        rewardPool -= amount;
        totalPoolWithdrawn += amount;
        emit RewardPoolWithdrawn(to, amount);
        _send(to, amount);
    }

    /// @notice Moves free pool funds into this contract's market escrow (needed when pricePerEpoch > 0 or
    ///         client collateral is used). Calls market AddBalance for our own f410 address.
    function fundMarketEscrow(uint256 amount) external onlyOwner nonReentrant {
        if (amount == 0 || amount > rewardPool) revert InsufficientRewardPool(rewardPool, amount);
        rewardPool -= amount;
        totalEscrowed += amount;
        int256 exit = FilecoinActors.addMarketBalance(amount);
        if (exit != 0) revert MarketCallFailed(exit);
        emit MarketEscrowFunded(amount);
    }

    /// @notice Stages a snapshot: its pieces (CIDv1 bytes, padded size, CAR size) under its chain height, then
    ///         assigns windows, starting now, to the next R providers of the round.
    function publishSlot(uint64 slot, PieceInput[] calldata pieces) external onlyOwner whenNotPaused {
        Slot storage s = _slots[slot];
        if (s.exists) revert SlotExists(slot);
        if (pieces.length == 0) revert NoPieces();
        if (pieces.length > MAX_PIECES) revert TooManyPieces();
        uint64 total;
        for (uint32 i = 0; i < pieces.length; i++) {
            PieceInput calldata pi = pieces[i];
            if (pi.pieceCid.length != 39 || bytes7(pi.pieceCid[0:7]) != PIECE_CID_PREFIX) revert InvalidPieceCid(i);
            uint64 sz = pi.paddedSize;
            // a padded piece size is a power of two of at least 128 bytes; 64 GiB is the largest sector
            if (sz < 128 || sz & (sz - 1) != 0 || sz > 64 << 30) revert InvalidPieceSize(i);
            // the CAR (unpadded payload) must fit the piece (127/128 after fr32) and not fit the next smaller one
            if (pi.carSize == 0 || pi.carSize > (sz / 128) * 127 || pi.carSize <= (sz / 256) * 127 && sz > 128) {
                revert InvalidCarSize(i);
            }
            bytes32 key = keccak256(pi.pieceCid);
            if (_pieceRef[key] != 0) revert PieceAlreadyStaged(i);
            _pieceRef[key] = ((uint256(slot) << 32) | i) + 1;
            _pieces[slot].push(
                Piece({
                    pieceCid: pi.pieceCid,
                    labelHash: keccak256(bytes(CidString.base32(pi.pieceCid))),
                    paddedSize: sz,
                    carSize: pi.carSize
                })
            );
            total += sz;
            emit PieceStaged(slot, i, pi.pieceCid, sz, pi.carSize);
        }
        s.exists = true;
        s.pieceCount = uint32(pieces.length);
        s.publishedAt = uint64(block.number);
        s.lifetimeEnd = uint64(block.number) + _params.slotLifetime;
        s.totalSize = total;
        _slotList.push(slot);
        emit SlotPublished(slot, uint32(pieces.length), total, s.lifetimeEnd);
        uint256 assigned = _pick(slot, _params.replicas, new uint64[](0), 0);
        emit SlotOffered(slot, _params.replicas, assigned);
    }

    // ------------------------------------------------------------------------------------------------ providers

    /// @notice Registers miner `minerId`; the caller must be its owner, worker or a control address
    ///         (miner IsControllingAddress). Joins the round after the current one.
    function register(uint64 minerId, string calldata retrievalUrl) external payable whenNotPaused nonReentrant {
        Params storage prm = _params;
        if (minerId < 100) revert InvalidMinerId(minerId);
        Provider storage p = _providers[minerId];
        if (p.status != P_NONE) revert AlreadyRegistered(minerId);
        if (msg.value < prm.minCollateral) revert InsufficientCollateral(msg.value, prm.minCollateral);
        if (activeProviders >= prm.maxProviders) revert ProviderCapReached(prm.maxProviders);
        _checkUrl(bytes(retrievalUrl), true);
        (int256 exit, bool controlling) = FilecoinActors.isControllingAddress(minerId, msg.sender);
        if (exit != 0 || !controlling) revert NotMinerController(minerId, msg.sender);

        p.controller = msg.sender;
        p.status = P_ACTIVE;
        p.misses = 0;
        p.collateral = msg.value;
        p.retrievalUrl = retrievalUrl;
        if (!p.inRoster) {
            p.inRoster = true;
            _roster.push(minerId);
        }
        activeProviders += 1;
        collateralHeld += msg.value;
        totalCollateralIn += msg.value;
        emit ProviderRegistered(minerId, msg.sender, msg.value, round + 1, retrievalUrl);
    }

    function setRetrievalUrl(uint64 provider, string calldata retrievalUrl) external onlyController(provider) {
        _checkUrl(bytes(retrievalUrl), true);
        _providers[provider].retrievalUrl = retrievalUrl;
        emit RetrievalUrlSet(provider, retrievalUrl);
    }

    /// @notice Leaves the roster: no new windows; windows already assigned stay valid. Collateral can be
    ///         withdrawn once the last assigned window has closed.
    function unregister(uint64 provider) external onlyController(provider) {
        Provider storage p = _providers[provider];
        if (p.status != P_ACTIVE) revert NotRegistered(provider);
        p.status = P_LEAVING;
        activeProviders -= 1;
        emit ProviderUnregistered(provider, p.windowLast);
    }

    function withdrawCollateral(uint64 provider) external onlyController(provider) nonReentrant {
        Provider storage p = _providers[provider];
        if (p.status != P_LEAVING && p.status != P_REMOVED) revert NotRegistered(provider);
        if (block.number <= p.windowLast) revert WindowNotClosed(p.windowLast);
        uint256 amount = p.collateral;
        p.collateral = 0;
        p.status = P_NONE;
        collateralHeld -= amount;
        totalCollateralOut += amount;
        emit CollateralWithdrawn(provider, msg.sender, amount);
        _send(payable(msg.sender), amount);
    }

    /// @notice O(1): the provider's latest assigned window (the furthest in the future), inclusive epochs.
    ///         (0, 0) if it never had one.
    function windowOf(uint64 provider) external view returns (uint64 first, uint64 last) {
        Provider storage p = _providers[provider];
        return (p.windowFirst, p.windowLast);
    }

    // ------------------------------------------------------------------------------------------------ round robin

    /// @notice Re-offers a slot whose replicas fell below R: windows missed, deals terminated, or deals ending
    ///         within renewLead before the slot's lifetime is reached (renewal). Anyone may call it.
    function offer(uint64 slot) external whenNotPaused returns (uint256 assigned) {
        Slot storage s = _slots[slot];
        if (!s.exists) revert UnknownSlot(slot);
        if (block.number >= s.lifetimeEnd) revert SlotRetired(slot);
        (uint256 live, uint64[] memory holders) = _pruneLive(slot, s);
        uint256 r = _params.replicas;
        if (live >= r) revert NothingToOffer(slot);
        assigned = _pick(slot, r - live, holders, live);
        if (assigned == 0) revert NoEligibleProvider(slot);
        emit SlotOffered(slot, r - live, assigned);
    }

    /// @notice Records a miss for an assignment whose window closed without all its deals. Anyone may call it.
    function settle(uint256 assignment) external {
        Assignment storage a = _assignments[assignment];
        if (a.status != A_OPEN || block.number <= a.last) revert NothingToSettle(assignment);
        _miss(assignment);
    }

    /// @dev Walks the round from the cursor and assigns windows to up to `needed` distinct active providers that
    ///      do not already hold a live replica of the slot. A provider skipped for that reason swaps places with
    ///      the next eligible one, so it keeps its turn in this round. At the end of a round the next one starts.
    function _pick(uint64 slot, uint256 needed, uint64[] memory exclude, uint256 nExclude)
        internal
        returns (uint256 n)
    {
        uint64[] memory picked = new uint64[](needed);
        bool rolled;
        while (n < needed) {
            if (roundCursor >= _roundOrder.length) {
                if (rolled) break;
                _roll(picked, n, exclude, nExclude);
                rolled = true;
                continue;
            }
            uint64 c = _roundOrder[roundCursor];
            _settleLatest(c);
            if (_providers[c].status != P_ACTIVE) {
                roundCursor++; // left or removed: the turn lapses
                continue;
            }
            if (_contains(picked, n, c) || _contains(exclude, nExclude, c)) {
                uint256 j = _findEligible(roundCursor + 1, picked, n, exclude, nExclude);
                if (j == type(uint256).max) {
                    if (rolled) break;
                    roundCursor = _roundOrder.length; // nobody else left in this round: start the next
                    continue;
                }
                // swap: the eligible provider comes to the cursor, the skipped one keeps a later place this round
                _roundOrder[roundCursor] = _roundOrder[j];
                _roundOrder[j] = c;
                continue; // re-evaluate the provider now at the cursor
            }
            roundCursor++;
            picked[n++] = c;
            _assignWindow(slot, c);
        }
    }

    function _findEligible(
        uint256 from,
        uint64[] memory picked,
        uint256 n,
        uint64[] memory exclude,
        uint256 nExclude
    ) internal view returns (uint256) {
        uint256 len = _roundOrder.length;
        for (uint256 j = from; j < len; j++) {
            uint64 c = _roundOrder[j];
            if (_providers[c].status == P_ACTIVE && !_contains(picked, n, c) && !_contains(exclude, nExclude, c)) {
                return j;
            }
        }
        return type(uint256).max;
    }

    /// @dev Starts the next round: the roster (compacted to active providers, registration order), with the
    ///      providers already picked for, or holding, the slot being offered moved to the end.
    function _roll(uint64[] memory picked, uint256 n, uint64[] memory exclude, uint256 nExclude) internal {
        uint256 len = _roster.length;
        uint256 w;
        for (uint256 i = 0; i < len; i++) {
            uint64 id = _roster[i];
            if (_providers[id].status == P_ACTIVE) {
                if (w != i) _roster[w] = id;
                w++;
            } else {
                _providers[id].inRoster = false;
            }
        }
        for (uint256 i = len; i > w; i--) {
            _roster.pop();
        }
        uint256 k;
        for (uint256 pass = 0; pass < 2; pass++) {
            for (uint256 i = 0; i < w; i++) {
                uint64 id = _roster[i];
                bool back = _contains(picked, n, id) || _contains(exclude, nExclude, id);
                if (back == (pass == 1)) {
                    if (k < _roundOrder.length) _roundOrder[k] = id;
                    else _roundOrder.push(id);
                    k++;
                }
            }
        }
        for (uint256 i = _roundOrder.length; i > k; i--) {
            _roundOrder.pop();
        }
        roundCursor = 0;
        round += 1;
        emit RoundStarted(round, k);
    }

    function _assignWindow(uint64 slot, uint64 provider) internal {
        Provider storage p = _providers[provider];
        uint64 nowE = uint64(block.number);
        // windows start now, unless the provider still has an open window: then right after it (never overlap)
        uint64 first = p.windowLast >= nowE && p.windowAssignment != 0 ? p.windowLast + 1 : nowE;
        uint64 last = first + _params.windowLength - 1;
        uint256 aid = ++assignmentCount;
        _assignments[aid] = Assignment({
            provider: provider, slot: slot, first: first, last: last, coverEnd: 0, piecesDone: 0, status: A_OPEN
        });
        p.windowFirst = first;
        p.windowLast = last;
        p.windowAssignment = aid;
        latestAssignment[slot][provider] = aid;
        _slotAssignments[slot].push(aid);
        _liveAssignments[slot].push(aid);
        emit WindowAssigned(slot, provider, aid, first, last);
    }

    function _settleLatest(uint64 provider) internal {
        uint256 aid = _providers[provider].windowAssignment;
        if (aid != 0) {
            Assignment storage a = _assignments[aid];
            if (a.status == A_OPEN && block.number > a.last) _miss(aid);
        }
    }

    function _miss(uint256 aid) internal {
        Assignment storage a = _assignments[aid];
        a.status = A_MISSED;
        Provider storage p = _providers[a.provider];
        p.misses += 1;
        emit WindowMissed(a.slot, a.provider, aid, p.misses);
        if ((p.status == P_ACTIVE || p.status == P_LEAVING) && p.misses >= _params.missLimit) {
            _deregister(a.provider, R_MISSED_WINDOWS, _params.slashBps);
        }
    }

    function _deregister(uint64 provider, uint8 reason, uint256 slashBps) internal {
        Provider storage p = _providers[provider];
        if (p.status == P_ACTIVE) activeProviders -= 1;
        p.status = P_REMOVED;
        uint256 slash = p.collateral * slashBps / 10_000;
        if (slash != 0) {
            p.collateral -= slash;
            collateralHeld -= slash;
            rewardPool += slash;
            totalSlashed += slash;
        }
        emit ProviderDeregistered(provider, reason, slash);
    }

    /// @dev Drops missed, failed and expiring replicas from the slot's live list; returns the rest and their
    ///      providers. A replica counts while its window is open or its deals cover past now + renewLead (or to
    ///      the end of the slot's lifetime).
    function _pruneLive(uint64 slot, Slot storage s) internal returns (uint256 w, uint64[] memory holders) {
        uint256[] storage live = _liveAssignments[slot];
        uint256 len = live.length;
        holders = new uint64[](len);
        uint64 horizon = uint64(block.number) + _params.renewLead;
        for (uint256 i = 0; i < len; i++) {
            uint256 aid = live[i];
            Assignment storage a = _assignments[aid];
            bool keep;
            if (a.status == A_OPEN) {
                if (block.number > a.last) {
                    _miss(aid);
                } else if (_providers[a.provider].status == P_REMOVED) {
                    a.status = A_FAILED;
                    emit ReplicaFailed(slot, a.provider, aid);
                } else {
                    keep = true;
                }
            } else if (a.status == A_FULFILLED) {
                keep = a.coverEnd >= s.lifetimeEnd || a.coverEnd > horizon;
            }
            if (keep) {
                if (w != i) live[w] = aid;
                holders[w] = a.provider;
                w++;
            }
        }
        for (uint256 i = len; i > w; i--) {
            live.pop();
        }
    }

    function _contains(uint64[] memory arr, uint256 n, uint64 v) internal pure returns (bool) {
        for (uint256 i = 0; i < n; i++) {
            if (arr[i] == v) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------ proposals

    /// @notice Creates a Boost contract-deal proposal for one staged piece while one of the slot's windows is
    ///         open. Anyone may call it (e.g. the provider's own bot, with its own locationRef). Only providers
    ///         assigned to the slot and inside their window pass AuthenticateMessage.
    function proposeDeal(uint64 slot, uint32 pieceIndex, string calldata locationRef, uint64 carSize)
        external
        whenNotPaused
        returns (bytes32 id)
    {
        Slot storage s = _slots[slot];
        if (!s.exists) revert UnknownSlot(slot);
        if (pieceIndex >= s.pieceCount) revert UnknownPieceIndex(slot, pieceIndex);
        Piece storage pc = _pieces[slot][pieceIndex];
        if (carSize != pc.carSize) revert CarSizeMismatch(pc.carSize, carSize);
        _checkUrl(bytes(locationRef), false);
        if (!_hasOpenWindow(slot)) revert NoOpenWindow(slot);

        int64 start = int64(uint64(block.number) + _params.startDelay);
        int64 end = start + _dealDuration(s.lifetimeEnd, start);
        id = keccak256(abi.encode(block.chainid, address(this), slot, pieceIndex, locationRef, start));
        Proposal storage pr = _proposals[id];
        if (pr.end != 0) revert ProposalExists(id);
        pr.slot = slot;
        pr.pieceIndex = pieceIndex;
        pr.start = start;
        pr.end = end;
        pr.carSize = carSize;
        pr.locationRef = locationRef;
        proposalCount += 1;
        emit DealProposalCreate(id, pc.paddedSize, _params.verifiedDeals, _params.pricePerEpoch);
        emit ProposalCreated(id, slot, pieceIndex, start, end, locationRef);
    }

    /// @notice CBOR DealProposal for Boost (selector 0xf4b2e4d8). Provider is a placeholder f00 that Boost
    ///         replaces with its own miner address; client is this contract's f410 address.
    function getDealProposal(bytes32 proposalId) external view returns (bytes memory) {
        Proposal storage pr = _proposals[proposalId];
        if (pr.end == 0) revert UnknownProposal(proposalId);
        Piece storage pc = _pieces[pr.slot][pr.pieceIndex];
        ProposalFields memory f = ProposalFields({
            pieceCid: pc.pieceCid,
            pieceSize: pc.paddedSize,
            verified: _params.verifiedDeals,
            client: FilAddress.fromEth(address(this)),
            provider: FilAddress.fromId(0),
            label: CidString.base32(pc.pieceCid),
            startEpoch: pr.start,
            endEpoch: pr.end,
            price: _params.pricePerEpoch,
            providerCollateral: providerCollateralFor(pc.paddedSize),
            clientCollateral: 0
        });
        return FilecoinCodec.encodeDealProposal(f);
    }

    /// @notice CBOR ExtraParamsV1 for Boost (selector 0x4634aed5): [location_ref, car_size, skip_ipni_announce,
    ///         remove_unsealed_copy]. IPNI announcements stay on and an unsealed copy is kept, for retrieval.
    function getExtraParams(bytes32 proposalId) external view returns (bytes memory) {
        Proposal storage pr = _proposals[proposalId];
        if (pr.end == 0) revert UnknownProposal(proposalId);
        return FilecoinCodec.encodeExtraParamsV1(pr.locationRef, pr.carSize, false, false);
    }

    function providerCollateralFor(uint64 paddedSize) public view returns (uint256) {
        return (uint256(paddedSize) * _params.providerCollateralPerGiB + (1 << 30) - 1) >> 30;
    }

    function _dealDuration(uint64 lifetimeEnd, int64 start) internal view returns (int64 d) {
        d = int64(lifetimeEnd) - start;
        if (d < Fil.MIN_DEAL_DURATION) d = Fil.MIN_DEAL_DURATION;
        if (d > int64(_params.term)) d = int64(_params.term);
    }

    function _hasOpenWindow(uint64 slot) internal view returns (bool) {
        uint256[] storage live = _liveAssignments[slot];
        for (uint256 i = 0; i < live.length; i++) {
            Assignment storage a = _assignments[live[i]];
            if (
                a.status == A_OPEN && block.number >= a.first && block.number <= a.last
                    && _providers[a.provider].status != P_REMOVED
            ) return true;
        }
        return false;
    }

    /// @dev URLs go into Boost's transfer JSON verbatim (`{"URL":"%s"}`): no quotes, backslashes or controls.
    function _checkUrl(bytes memory u, bool allowEmpty) internal pure {
        if ((u.length == 0 && !allowEmpty) || u.length > MAX_URL) revert InvalidUrl();
        for (uint256 i = 0; i < u.length; i++) {
            uint8 c = uint8(u[i]);
            if (c < 0x21 || c == 0x22 || c == 0x5c || c == 0x7f) revert InvalidUrl();
        }
    }

    // ------------------------------------------------------------------------------------------------ actor hooks

    /// @notice Entry point for native Filecoin methods (the EVM actor routes methods > 1023 here).
    function handle_filecoin_method(uint64 method, uint64 codec, bytes calldata params)
        external
        returns (uint32 exitCode, uint64 retCodec, bytes memory ret)
    {
        if (method == Fil.AUTHENTICATE_MESSAGE_METHOD) {
            if (msg.sender != Fil.MARKET_ACTOR) revert NotMarketActor(msg.sender);
            if (codec != Fil.CODEC_CBOR) revert UnsupportedCodec(codec);
            authenticate(params);
            return (0, Fil.CODEC_CBOR, hex"f5"); // CBOR true
        } else if (method == Fil.MARKET_NOTIFY_DEAL_METHOD) {
            if (msg.sender != Fil.MARKET_ACTOR) revert NotMarketActor(msg.sender);
            if (codec != Fil.CODEC_CBOR) revert UnsupportedCodec(codec);
            _notify(params);
            return (0, Fil.CODEC_NONE, "");
        } else if (method == Fil.DATACAP_RECEIVER_HOOK_METHOD) {
            if (msg.sender != Fil.DATACAP_ACTOR) revert NotDataCapActor(msg.sender);
            if (codec != Fil.CODEC_CBOR) revert UnsupportedCodec(codec);
            (uint64 from,, uint64 operator, uint256 amount) = FilecoinCodec.decodeFrc46Received(params);
            dataCapReceived += amount;
            emit DataCapReceived(from, operator, amount);
            return (0, Fil.CODEC_NONE, "");
        }
        revert UnsupportedMethod(method);
    }

    /// @notice The AuthenticateMessage rules, as a view (the market calls it READ_ONLY). Reverts with the first
    ///         rule the proposal breaks; returns normally when the deal may be published. `params` is the CBOR
    ///         AuthenticateMessageParams [signature, message]; message is the CBOR DealProposal.
    function authenticate(bytes calldata params) public view {
        if (paused) revert IsPaused();
        bytes memory m = FilecoinCodec.decodeAuthenticateMessageParams(params);
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);

        if (
            p.clientLen != 22 || CborReader.hashRange(m, p.clientStart, p.clientLen)
                != keccak256(FilAddress.fromEth(address(this)))
        ) revert WrongClient();

        uint256 ref = _pieceRef[CborReader.hashRange(m, p.pieceCidStart, p.pieceCidLen)];
        if (ref == 0) revert UnknownPiece();
        uint64 slot = uint64((ref - 1) >> 32);
        uint32 idx = uint32(ref - 1);
        Piece storage pc = _pieces[slot][idx];
        if (p.pieceSize != pc.paddedSize) revert PieceSizeMismatch(pc.paddedSize, p.pieceSize);

        (bool isId, uint64 provider) = FilAddress.parseId(m, p.providerStart, p.providerLen);
        if (!isId) revert ProviderNotIdAddress();
        uint8 st = _providers[provider].status;
        if (st != P_ACTIVE && st != P_LEAVING) revert ProviderNotRegistered(provider);
        uint256 aid = latestAssignment[slot][provider];
        if (aid == 0) revert ProviderNotAssigned(provider, slot);
        if (_replicaDeal[aid][idx] != 0) revert PieceAlreadyDealt(provider, slot, idx);
        Assignment storage a = _assignments[aid];
        if (a.status != A_OPEN || block.number < a.first || block.number > a.last) {
            revert OutsideWindow(a.first, a.last, block.number);
        }

        _checkTerms(p, _slots[slot]);
        if (p.labelMajor != 3 || CborReader.hashRange(m, p.labelStart, p.labelLen) != pc.labelHash) {
            revert LabelMismatch();
        }
        uint256 reward = _dealReward(slot, pc.paddedSize, p.endEpoch - p.startEpoch);
        if (reward > rewardPool) revert InsufficientRewardPool(rewardPool, reward);
    }

    function _checkTerms(DecodedProposal memory p, Slot storage s) internal view {
        Params storage prm = _params;
        if (p.verified != prm.verifiedDeals) revert VerifiedMismatch();
        if (p.price > prm.pricePerEpoch) revert PriceTooHigh(p.price, prm.pricePerEpoch);
        if (p.clientCollateral != 0) revert ClientCollateralTooHigh(p.clientCollateral);
        int64 nowE = int64(uint64(block.number));
        if (p.startEpoch < nowE || p.startEpoch > nowE + int64(prm.startDelay + prm.windowLength)) {
            revert StartEpochOutOfRange(p.startEpoch);
        }
        int64 d = p.endEpoch - p.startEpoch;
        if (d < Fil.MIN_DEAL_DURATION || d > int64(prm.term)) revert DurationOutOfRange(d);
        int64 maxEnd = int64(s.lifetimeEnd);
        if (maxEnd < p.startEpoch + Fil.MIN_DEAL_DURATION) maxEnd = p.startEpoch + Fil.MIN_DEAL_DURATION;
        if (p.endEpoch > maxEnd) revert EndBeyondLifetime(p.endEpoch);
    }

    /// @notice rewardPerSnapshot × (piece share of the snapshot's padded size) × (duration / term).
    function _dealReward(uint64 slot, uint64 pieceSize, int64 duration) internal view returns (uint256) {
        Params storage prm = _params;
        return prm.rewardPerSnapshot * pieceSize * uint256(uint64(duration))
            / (uint256(_slots[slot].totalSize) * prm.term);
    }

    /// @dev MarketNotifyDeal. A revert here fails the provider's whole PublishStorageDeals message (every deal in
    ///      it), so anything unexpected is recorded as DealIgnored instead; only malformed CBOR reverts.
    function _notify(bytes calldata params) internal {
        (bytes memory m, uint64 dealId) = FilecoinCodec.decodeMarketNotifyDealParams(params);
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);
        if (_deals[dealId].state != 0) {
            emit DealIgnored(dealId, IGNORE_DUPLICATE);
            return;
        }
        uint256 ref = _pieceRef[CborReader.hashRange(m, p.pieceCidStart, p.pieceCidLen)];
        if (ref == 0) {
            emit DealIgnored(dealId, IGNORE_UNKNOWN_PIECE);
            return;
        }
        (bool isId, uint64 provider) = FilAddress.parseId(m, p.providerStart, p.providerLen);
        if (!isId) {
            emit DealIgnored(dealId, IGNORE_BAD_PROVIDER);
            return;
        }
        uint64 slot = uint64((ref - 1) >> 32);
        uint32 idx = uint32(ref - 1);
        uint256 aid = latestAssignment[slot][provider];
        Assignment storage a = _assignments[aid];
        if (aid == 0 || a.status != A_OPEN) {
            emit DealIgnored(dealId, IGNORE_NOT_ASSIGNED);
            return;
        }
        if (_replicaDeal[aid][idx] != 0) {
            emit DealIgnored(dealId, IGNORE_DUPLICATE);
            return;
        }
        _record(dealId, p, slot, idx, aid, a);
    }

    function _record(uint64 dealId, DecodedProposal memory p, uint64 slot, uint32 idx, uint256 aid, Assignment storage a)
        internal
    {
        uint256 reward = _dealReward(slot, _pieces[slot][idx].paddedSize, p.endEpoch - p.startEpoch);
        if (reward > rewardPool) reward = rewardPool; // authenticate checked the pool; never fail the publish
        rewardPool -= reward;
        reservedRewards += reward;
        Deal storage d = _deals[dealId];
        d.provider = a.provider;
        d.slot = slot;
        d.pieceIndex = idx;
        d.state = D_PUBLISHED;
        d.start = p.startEpoch;
        d.end = p.endEpoch;
        d.lastSeenActive = Fil.EPOCH_UNDEFINED;
        d.payee = _providers[a.provider].controller;
        d.assignment = aid;
        d.reward = reward;
        _replicaDeal[aid][idx] = uint256(dealId) + 1;
        emit DealRecorded(slot, a.provider, dealId, idx, p.startEpoch, p.endEpoch, reward);

        uint64 end = uint64(p.endEpoch);
        if (a.piecesDone == 0 || end < a.coverEnd) a.coverEnd = end;
        a.piecesDone += 1;
        if (a.piecesDone == _slots[slot].pieceCount) {
            a.status = A_FULFILLED;
            _providers[a.provider].misses = 0;
            emit ReplicaFulfilled(slot, a.provider, aid, a.coverEnd);
        }
    }

    // ------------------------------------------------------------------------------------------------ rewards

    /// @notice Asks the market about a deal and applies the answer: marks it active, or — if it is no longer
    ///         active before its end (exit 32, a termination epoch, or start passed without activation) —
    ///         forfeits the unvested reward to the pool and deregisters the provider. Anyone may call it.
    function poke(uint64 dealId) external nonReentrant returns (uint8 state) {
        Deal storage d = _deals[dealId];
        if (d.state == 0) revert UnknownDeal(dealId);
        if (d.state != D_PUBLISHED && d.state != D_ACTIVE) revert DealNotLive(dealId);
        _observe(dealId, d);
        return d.state;
    }

    /// @notice Pays the deal's vested, unclaimed reward to the provider's controller. Only that address may call.
    function claim(uint64 dealId) external nonReentrant returns (uint256 amount) {
        Deal storage d = _deals[dealId];
        if (d.state == 0) revert UnknownDeal(dealId);
        if (msg.sender != d.payee) revert NotPayee(dealId);
        if (d.state == D_PUBLISHED || d.state == D_ACTIVE) _observe(dealId, d);
        amount = vested(dealId) - d.claimed;
        if (amount == 0) revert NothingToClaim(dealId);
        d.claimed += amount;
        reservedRewards -= amount;
        totalClaimed += amount;
        if (d.state == D_ACTIVE && d.lastSeenActive >= d.end && d.claimed == d.reward) d.state = D_COMPLETED;
        emit RewardClaimed(dealId, d.payee, amount);
        _send(payable(d.payee), amount);
    }

    /// @notice Reward vested so far, as of the last time the market reported the deal active.
    function vested(uint64 dealId) public view returns (uint256) {
        Deal storage d = _deals[dealId];
        if (d.state == D_TERMINATED) return d.reward - d.forfeited;
        if (d.state == D_ACTIVE || d.state == D_COMPLETED) return _vestedAt(d, d.lastSeenActive);
        return 0;
    }

    function _vestedAt(Deal storage d, int64 t) internal view returns (uint256) {
        if (t <= d.start) return 0;
        if (t >= d.end) return d.reward;
        return d.reward * uint256(uint64(t - d.start)) / uint256(uint64(d.end - d.start));
    }

    function _observe(uint64 dealId, Deal storage d) internal {
        (int256 exit, int64 activated, int64 terminated) = FilecoinActors.getDealActivation(dealId);
        int64 nowE = int64(uint64(block.number));
        if (exit == 0) {
            if (activated != Fil.EPOCH_UNDEFINED) {
                if (d.state == D_PUBLISHED) {
                    d.state = D_ACTIVE;
                    emit DealActivated(dealId, activated);
                }
                int64 seen = nowE < d.end ? nowE : d.end;
                if (terminated != Fil.EPOCH_UNDEFINED && terminated < seen) seen = terminated;
                if (seen > d.lastSeenActive) d.lastSeenActive = seen;
                if (terminated != Fil.EPOCH_UNDEFINED && terminated < d.end) _terminate(dealId, d, T_SLASHED, true);
            } else if (terminated != Fil.EPOCH_UNDEFINED) {
                _terminate(dealId, d, T_SLASHED, true);
            } else if (nowE > d.start) {
                _terminate(dealId, d, T_NOT_ACTIVATED, true);
            }
        } else if (exit == Fil.EX_DEAL_EXPIRED) {
            if (nowE < d.end) {
                _terminate(dealId, d, T_EXPIRED_EARLY, true);
            } else if (d.state == D_ACTIVE) {
                d.lastSeenActive = d.end; // ran its full term; the market has since cleaned it up
            } else {
                _terminate(dealId, d, T_UNOBSERVED, false);
            }
        } else {
            revert MarketCallFailed(exit);
        }
    }

    function _terminate(uint64 dealId, Deal storage d, uint8 reason, bool penalize) internal {
        uint256 keep = d.state == D_ACTIVE ? _vestedAt(d, d.lastSeenActive) : 0;
        uint256 forfeit = d.reward - keep;
        d.forfeited = forfeit;
        d.state = D_TERMINATED;
        reservedRewards -= forfeit;
        rewardPool += forfeit;
        totalForfeited += forfeit;
        emit DealTerminated(dealId, d.provider, reason, forfeit);
        Assignment storage a = _assignments[d.assignment];
        if (int64(uint64(block.number)) < d.end && (a.status == A_FULFILLED || a.status == A_OPEN)) {
            a.status = A_FAILED;
            emit ReplicaFailed(d.slot, d.provider, d.assignment);
        }
        if (penalize) {
            uint8 st = _providers[d.provider].status;
            if (st == P_ACTIVE || st == P_LEAVING) _deregister(d.provider, R_DEAL_TERMINATED, 0);
        }
    }

    function _send(address payable to, uint256 amount) internal {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    // ------------------------------------------------------------------------------------------------ index

    function providerInfo(uint64 id) external view returns (Provider memory) {
        return _providers[id];
    }

    function slotInfo(uint64 height) external view returns (Slot memory) {
        return _slots[height];
    }

    function pieceInfo(uint64 height, uint32 index) external view returns (Piece memory) {
        return _pieces[height][index];
    }

    function slotCount() external view returns (uint256) {
        return _slotList.length;
    }

    function slotAt(uint256 i) external view returns (uint64) {
        return _slotList[i];
    }

    function assignmentInfo(uint256 id) external view returns (Assignment memory) {
        return _assignments[id];
    }

    function dealInfo(uint64 dealId) external view returns (Deal memory) {
        return _deals[dealId];
    }

    function proposalInfo(bytes32 id) external view returns (Proposal memory) {
        return _proposals[id];
    }

    function roundOrder() external view returns (uint64[] memory) {
        return _roundOrder;
    }

    function roster() external view returns (uint64[] memory) {
        return _roster;
    }

    /// @notice Whether the slot has R live replicas now (open windows count as live).
    function liveAssignments(uint64 height) external view returns (uint256[] memory) {
        return _liveAssignments[height];
    }

    /// @notice The public index: every replica ever assigned for a slot, with provider, window, status,
    ///         retrieval URL and the deal ID per piece (-1 where none).
    function slotReplicas(uint64 height) external view returns (ReplicaView[] memory out) {
        uint256[] storage ids = _slotAssignments[height];
        uint32 pieces = _slots[height].pieceCount;
        out = new ReplicaView[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) {
            Assignment storage a = _assignments[ids[i]];
            ReplicaView memory v = out[i];
            v.assignment = ids[i];
            v.provider = a.provider;
            v.status = a.status;
            v.windowFirst = a.first;
            v.windowLast = a.last;
            v.coverEnd = a.coverEnd;
            v.piecesDone = a.piecesDone;
            v.retrievalUrl = _providers[a.provider].retrievalUrl;
            v.dealIds = new int256[](pieces);
            for (uint32 j = 0; j < pieces; j++) {
                uint256 dd = _replicaDeal[ids[i]][j];
                v.dealIds[j] = dd == 0 ? int256(-1) : int256(dd - 1);
            }
        }
    }
}
