// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Vm, console} from "../test/utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilDealClientExt} from "../src/FilFilDealClientExt.sol";
import {FilFilRewardsExt} from "../src/FilFilRewardsExt.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil, FilAddress} from "../src/lib/FilecoinTypes.sol";
import {FilecoinActors} from "../src/lib/FilecoinActors.sol";
import {MockCallActorId, MockMarket, MockDataCap, MockPower, MockMiner} from "../test/mocks/MockActors.sol";

/// @notice Deploys FilFilDealClient and prints its address.
///
///   anvil --host 127.0.0.1 --port 8545 &
///   FILFIL_ANVIL_MOCKS=true forge script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 --broadcast
///
/// Environment (all optional):
///   PRIVATE_KEY            deployer key (default: anvil's first dev account)
///   FILFIL_OWNER           owner, e.g. a multisig (default: the deployer)
///   FILFIL_ANVIL_MOCKS     true on a plain EVM (anvil): installs the call_actor_id / power / market / datacap stand-ins
///                          at their FEVM addresses with anvil_setCode (never set this on Filecoin)
///   FILFIL_ANVIL_MINERS    with the mocks: comma-separated miner actor IDs to install as miner stand-ins (power
///                          claim, owner and controlling address), e.g. "1001,1002"
///   FILFIL_ANVIL_CONTROLLERS  the owner/controlling 0x address of each of those miners, in the same order
///   FILFIL_MIN_COLLATERAL, FILFIL_REWARD_PER_SNAPSHOT, FILFIL_PRICE_PER_EPOCH, FILFIL_COLLATERAL_PER_GIB,
///   FILFIL_WINDOW, FILFIL_TERM, FILFIL_LIFETIME, FILFIL_START_DELAY, FILFIL_RENEW_LEAD, FILFIL_MAX_PROVIDERS,
///   FILFIL_REPLICAS, FILFIL_MISS_LIMIT, FILFIL_SLASH_BPS (<= 5000), FILFIL_VERIFIED,
///   FILFIL_TIMELOCK (epochs between announcing and applying setParams / withdrawRewardPool; default 2 days),
///   FILFIL_FUND (attoFIL for the pool)
/// The last line printed is "FilFilDealClient deployed at 0x…"; `forge script --json` also returns it.
contract Deploy {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant ANVIL_KEY_0 = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;
    uint64 internal constant MOCK_CLIENT_ACTOR_ID = 1500;

    function params() public view returns (FilFilStorage.Params memory p) {
        p.minCollateral = vm.envOr("FILFIL_MIN_COLLATERAL", uint256(10 ether));
        p.rewardPerSnapshot = vm.envOr("FILFIL_REWARD_PER_SNAPSHOT", uint256(1 ether));
        p.pricePerEpoch = vm.envOr("FILFIL_PRICE_PER_EPOCH", uint256(0));
        p.providerCollateralPerGiB = vm.envOr("FILFIL_COLLATERAL_PER_GIB", uint256(1e15));
        p.windowLength = uint64(vm.envOr("FILFIL_WINDOW", uint256(120)));
        p.term = uint64(vm.envOr("FILFIL_TERM", uint256(uint64(Fil.MAX_DEAL_DURATION))));
        p.slotLifetime = uint64(vm.envOr("FILFIL_LIFETIME", uint256(5 * 365 * 2880)));
        p.startDelay = uint64(vm.envOr("FILFIL_START_DELAY", uint256(3 * 2880)));
        p.renewLead = uint64(vm.envOr("FILFIL_RENEW_LEAD", uint256(14 * 2880)));
        p.maxProviders = uint32(vm.envOr("FILFIL_MAX_PROVIDERS", uint256(50)));
        p.replicas = uint32(vm.envOr("FILFIL_REPLICAS", uint256(3)));
        p.missLimit = uint32(vm.envOr("FILFIL_MISS_LIMIT", uint256(3)));
        p.slashBps = uint16(vm.envOr("FILFIL_SLASH_BPS", uint256(5000)));
        p.verifiedDeals = vm.envOr("FILFIL_VERIFIED", false);
        p.timelock = uint64(vm.envOr("FILFIL_TIMELOCK", uint256(2 * 2880)));
    }

    function run() external returns (address deployed) {
        uint256 key = vm.envOr("PRIVATE_KEY", ANVIL_KEY_0);
        address deployer = vm.addr(key);
        address owner = vm.envOr("FILFIL_OWNER", deployer);
        bool mocks = vm.envOr("FILFIL_ANVIL_MOCKS", false);
        uint256 fund = vm.envOr("FILFIL_FUND", uint256(0));

        if (mocks) {
            _install(FilecoinActors.CALL_ACTOR_ID, type(MockCallActorId).runtimeCode);
            _install(Fil.MARKET_ACTOR, type(MockMarket).runtimeCode);
            _install(Fil.DATACAP_ACTOR, type(MockDataCap).runtimeCode);
            _install(address(uint160(0xff) << 152 | uint160(Fil.POWER_ACTOR_ID)), type(MockPower).runtimeCode);
        }
        uint256[] memory miners = vm.envOr("FILFIL_ANVIL_MINERS", ",", new uint256[](0));
        address[] memory controllers = vm.envOr("FILFIL_ANVIL_CONTROLLERS", ",", new address[](0));
        require(miners.length == controllers.length, "FILFIL_ANVIL_MINERS and FILFIL_ANVIL_CONTROLLERS differ in length");
        require(miners.length == 0 || mocks, "FILFIL_ANVIL_MINERS needs FILFIL_ANVIL_MOCKS=true");
        for (uint256 i = 0; i < miners.length; i++) {
            require(miners[i] > 0 && miners[i] <= type(uint64).max, "miner ID out of range");
            _install(FilAddress.idToEvm(uint64(miners[i])), type(MockMiner).runtimeCode);
        }

        vm.startBroadcast(key);
        FilFilDealClient c = new FilFilDealClient(
            owner, params(), address(new FilFilDealClientExt()), address(new FilFilRewardsExt())
        );
        if (fund != 0) c.fundRewards{value: fund}();
        if (mocks) {
            MockMarket(Fil.MARKET_ACTOR).setActorId(address(c), MOCK_CLIENT_ACTOR_ID);
            MockMarket(Fil.MARKET_ACTOR).setDealIdBase(1000);
            // each miner stand-in: a power claim, and the controller as its owner (owner => controlling address)
            for (uint256 i = 0; i < miners.length; i++) {
                uint64 id = uint64(miners[i]);
                MockMiner(FilAddress.idToEvm(id)).setOwner(FilAddress.fromCaller(controllers[i]));
                MockPower(address(uint160(0xff) << 152 | uint160(Fil.POWER_ACTOR_ID))).setMiner(id, true);
            }
        }
        vm.stopBroadcast();

        deployed = address(c);
        console.log("owner", owner);
        console.log("FilFilDealClient deployed at", deployed);
    }

    /// @dev Puts code at an actor address on the node (anvil_setCode) and in this script's simulation.
    function _install(address target, bytes memory code) internal {
        vm.etch(target, code);
        vm.rpc(
            "anvil_setCode", string.concat("[\"", vm.toString(target), "\",\"", vm.toString(code), "\"]")
        );
    }
}
