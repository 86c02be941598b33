// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base} from "./Base.sol";
import {console} from "./utils/Test.sol";
import {FilFilDealClient} from "../src/FilFilDealClient.sol";
import {FilFilStorage} from "../src/FilFilStorage.sol";
import {Fil} from "../src/lib/FilecoinTypes.sol";

/// @notice Regression tests for the findings of the security review (issue 11), one per finding, named
///         test_F<n>_<what>. Each one failed on the code before its fix.
contract FindingsTest is Base {
    // ---------------------------------------------------------------------------------------------------- F4

    /// @notice register -> unregister -> withdrawCollateral over many miner ids reused one deposit and grew the
    ///         roster that each round roll walks; publishing then cost ~5.6k gas per stale entry, unbounded.
    function test_F4_rosterBoundedUnderRegisterCycles() public {
        addProvider(1001);
        address attacker = address(0xA77AC);
        vm.deal(attacker, COLLATERAL);
        for (uint64 i = 0; i < 300; i++) {
            uint64 id = 50_000 + i;
            etchMiner(id, attacker);
            vm.startPrank(attacker);
            client.register{value: COLLATERAL}(id, URL);
            client.unregister(id);
            client.withdrawCollateral(id);
            vm.stopPrank();
        }
        vm.assertEq(attacker.balance, COLLATERAL, "one deposit reused");
        vm.assertEq(client.roster().length, 1, "roster holds only the active provider");
        vm.assertEq(client.activeProviders(), 1, "active");

        FilFilStorage.PieceInput[] memory ps = pieces(1, 1);
        vm.cool(address(client));
        vm.prank(operator);
        uint256 g = gasleft();
        client.publishSlot(1, ps);
        g -= gasleft();
        console.log("gas publishSlot after 300 register cycles (cold)", g);
        vm.assertLe(g, 800_000, "the roll does not walk the cycled registrations");
    }
}
