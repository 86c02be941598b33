// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {console} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil} from "../src/lib/FilecoinTypes.sol";

/// @notice EVM gas of each provider-facing step, with budgets (see docs/gas.md). `bash gas.sh` prints them.
contract GasTest is Base {
    uint256 internal constant REGISTER_BUDGET = 350_000;
    uint256 internal constant PUBLISH_BUDGET = 1_500_000; // R = 3, one piece, first round roll included
    uint256 internal constant PROPOSE_BUDGET = 300_000;
    uint256 internal constant AUTHENTICATE_BUDGET = 150_000;
    uint256 internal constant NOTIFY_BUDGET = 300_000;
    uint256 internal constant CLAIM_BUDGET = 250_000; // market query, sector check, control re-check, transfer
    uint256 internal constant POKE_BUDGET = 200_000; // market query + sector check at the known location
    // first check of a deal: market query, GetDealSector, GenerateSectorLocation, storing the sector and location
    uint256 internal constant FIRST_POKE_BUDGET = 300_000;
    uint256 internal constant WORST_PUBLISH_BUDGET = 30_000_000;

    function _report(string memory what, uint256 used, uint256 budget) internal view {
        console.log(string.concat("gas ", what), used);
        vm.assertLe(used, budget, string.concat(what, " over budget"));
    }

    function test_gas_lifecycle() public {
        // register (cold: first provider, roster slot, miner actor call)
        address ctl = controllerOf(1001);
        etchMiner(1001, ctl);
        vm.deal(ctl, COLLATERAL);
        vm.prank(ctl);
        uint256 g = gasleft();
        client.register{value: COLLATERAL}(1001, URL);
        _report("register", g - gasleft(), REGISTER_BUDGET);
        addProvider(1002);
        addProvider(1003);
        addProvider(1004);

        FilFilStorage.PieceInput[] memory ps = pieces(1, 1);
        vm.prank(operator);
        g = gasleft();
        client.publishSlot(1, ps);
        _report("publishSlot (1 piece, R=3, starts round 1 of 4 providers)", g - gasleft(), PUBLISH_BUDGET);

        vm.roll(2000);
        ps = pieces(2, 4);
        vm.prank(operator);
        g = gasleft();
        client.publishSlot(2, ps);
        _report("publishSlot (4 pieces, R=3, rolls to round 2)", g - gasleft(), 2 * PUBLISH_BUDGET);

        uint64 provider = assignedTo(2)[0];
        vm.prank(controllerOf(provider));
        g = gasleft();
        bytes32 id = client.proposeDeal(2, 0, LOCATION, CAR_SIZE);
        _report("proposeDeal", g - gasleft(), PROPOSE_BUDGET);

        bytes memory prop = boostProposal(id, provider);
        bytes memory ap = authParams(prop);
        vm.prank(Fil.MARKET_ACTOR);
        g = gasleft();
        client.handle_filecoin_method(Fil.AUTHENTICATE_MESSAGE_METHOD, Fil.CODEC_CBOR, ap);
        _report("authenticate (AuthenticateMessage)", g - gasleft(), AUTHENTICATE_BUDGET);

        bytes memory np = notifyParams(market.normalize(prop, CLIENT_ACTOR_ID), 7777);
        vm.prank(Fil.MARKET_ACTOR);
        g = gasleft();
        client.handle_filecoin_method(Fil.MARKET_NOTIFY_DEAL_METHOD, Fil.CODEC_CBOR, np);
        _report("notify (MarketNotifyDeal)", g - gasleft(), NOTIFY_BUDGET);

        // the market mock needs to know the deal for the activation queries
        uint64 dealId = dealFor(2, 1, provider);
        FilFilStorage.Deal memory d = client.dealInfo(dealId);
        market.activate(dealId, d.start);
        vm.roll(uint256(uint64(d.start)) + 1000);
        g = gasleft();
        client.poke(dealId);
        _report("poke (first: market, GetDealSector, GenerateSectorLocation)", g - gasleft(), FIRST_POKE_BUDGET);

        vm.roll(uint256(uint64(d.start)) + 2000);
        g = gasleft();
        client.poke(dealId);
        _report("poke (deal active: market, ValidateSectorStatus)", g - gasleft(), POKE_BUDGET);

        vm.roll(uint256(uint64(d.start)) + 100_000);
        vm.prank(controllerOf(provider));
        g = gasleft();
        client.claim(dealId);
        _report("claim", g - gasleft(), CLAIM_BUDGET);
    }

    function test_gas_publishAtRoundRollWith50Providers() public {
        for (uint64 i = 0; i < 50; i++) {
            addProvider(2001 + i);
        }
        FilFilStorage.PieceInput[] memory ps = pieces(1, 1);
        vm.prank(operator);
        uint256 g = gasleft();
        client.publishSlot(1, ps);
        _report("publishSlot (round roll over 50 providers, worst case)", g - gasleft(), 4_000_000);
    }

    /// @notice The worst legal publication, measured cold: 64 pieces, R = 16, at the round roll over the largest
    ///         roster the contract allows (MAX_PROVIDERS_LIMIT = 500). The roster holds only active providers
    ///         (F4), so no history of joins and leaves makes it longer.
    function test_gas_worstPublish_64pieces_500providers_R16_cold() public {
        FilFilStorage.Params memory p = defaultParams();
        p.maxProviders = 500;
        p.replicas = 16;
        vm.prank(operator);
        client.setParams(p);
        for (uint64 i = 0; i < 500; i++) {
            addProvider(10_001 + i);
        }
        FilFilStorage.PieceInput[] memory ps = pieces(1, 64);
        vm.cool(address(client));
        vm.prank(operator);
        uint256 g = gasleft();
        client.publishSlot(1, ps);
        _report("publishSlot (64 pieces, R=16, roll over 500 providers, cold)", g - gasleft(), WORST_PUBLISH_BUDGET);
    }
}
