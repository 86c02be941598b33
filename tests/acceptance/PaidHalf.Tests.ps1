# Issue 14's "must show", end to end on Start-FilFilDevnet -Evm (devnet + anvil on one /rpc/v1): examples/paid-half.ps1
# runs the scenario (each step checks itself and throws), this file checks what each step left, from the cmdlets'
# own output objects and from the chain. Needs `npm ci` in contracts/ and `dotnet build FilFil.sln -c Release`
# (the Boost and Curio stand-ins of tests/FilFil.TestPeers).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
    $script:example = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' 'examples' 'paid-half.ps1'))
    $script:out = Join-Path $TestDrive 'paid-half'
    $script:lines = & $example -OutDir $out -Keep
    $script:run = $lines | Where-Object { $_.PSObject.TypeNames -contains 'FilFil.Example.PaidHalf' }
}

Describe 'The paid half on devnet + anvil (examples/paid-half.ps1)' {
    It 'ends with its summary and stops the devnet and the server it started' {
        $run | Should -HaveCount 1 -Because ($lines -join "`n")
        Get-FilFilDevnet | Where-Object Running | Should -BeNullOrEmpty
        Get-FilFilServer -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
    }

    It 'publishes the piece CIDs of snapshots of the devnet chain (New-FilFilSnapshot | Publish-FilFilCommP)' {
        $run.Published.Status | Should -Be 'Success'
        $run.Published.Function | Should -Be 'publishSlot'
        $run.Snapshots | Should -HaveCount 2
        foreach ($i in 0, 1) {
            $snap = $run.Snapshots[$i]
            $slot = $run.Slots[$i]
            $slot.Height | Should -Be $snap.Height
            $slot.Pieces.PieceCid | Should -Be $snap.Pieces.PieceCidV1
            $slot.Pieces.CarSize | Should -Be $snap.Pieces.PayloadSize
            $snap.Pieces[0].PieceCidV1 | Should -Be (Get-FilFilPieceCid -LiteralPath $snap.Pieces[0].Path).PieceCidV1
        }
    }

    It 'refuses the provider whose window is not open, with a clear error and no gas spent' {
        $run.OpenMiner | Should -Not -Be $run.OtherMiner
        $run.Refused.ErrorId | Should -BeLike 'WindowNotOpen,*'
        $run.Refused.Message | Should -Match "f0$($run.OtherMiner)"
        $run.Refused.Message | Should -Match 'nothing was sent'
        $run.Refused.BalanceUnchanged | Should -BeTrue
        $run.Refused.NonceUnchanged | Should -BeTrue
    }

    It 'makes the Boost deal: proposeDeal with the server URL, Boost pulls the CAR, checks commP, the deal is recorded' {
        $s = $run.BoostSubmission
        $s.Backend | Should -Be 'Boost'
        $s.Miner | Should -Be "f0$($run.OpenMiner)"
        $s.Transaction.Status | Should -Be 'Success'
        $s.Url | Should -Match '^http://127\.0\.0\.1:\d+/piece/baga6ea4seaq'
        $s.PieceCid | Should -Be $run.Snapshots[0].Pieces[0].PieceCidV1
        $s.CarSize | Should -Be $run.Snapshots[0].Pieces[0].PayloadSize
        $run.BoostOutcome.Source | Should -Be 'Boost'
        $run.BoostOutcome.Published | Should -BeTrue
        $run.BoostOutcome.PieceCid | Should -Be $s.PieceCid
        $run.BoostDeal.DealId | Should -Be $run.BoostOutcome.DealId
        $run.BoostDeal.Miner | Should -Be "f0$($run.OpenMiner)"
        $run.BoostDeal.State | Should -Be 'Published'
        $replica = $run.Slots[0].Replicas | Where-Object MinerId -EQ $run.OpenMiner
        $replica.DealIds | Should -Be @($run.BoostDeal.DealId)
    }

    It 'makes the Curio deal: the MK12 deal posted to the Curio market, accepted, fetched, verified and recorded' {
        $s = $run.CurioSubmission
        $s.Backend | Should -Be 'Curio'
        $s.Miner | Should -Be "f0$($run.OtherMiner)"
        $s.Accepted | Should -BeTrue
        $run.CurioOutcome.Source | Should -Be 'Curio'
        $run.CurioOutcome.ProposalId | Should -Be "$($s.DealUuid)"
        $run.CurioOutcome.Published | Should -BeTrue
        $run.CurioOutcome.PieceCid | Should -Be $run.Snapshots[1].Pieces[0].PieceCidV1
        $run.CurioDeal.DealId | Should -Be $run.CurioOutcome.DealId
        $run.CurioDeal.State | Should -Be 'Published'
        ($run.Slots[1].Replicas | Where-Object MinerId -EQ $run.OtherMiner).DealIds | Should -Be @($run.CurioDeal.DealId)
    }

    It 'pays the controller the vested reward (Receive-FilFilReward)' {
        $run.Claim.Status | Should -Be 'Success'
        $run.Claim.Function | Should -Be 'claim'
        $claimed = $run.Claim.Events | Where-Object { $_.GetType().Name -eq 'RewardClaimedEvent' }
        $claimed.Amount | Should -BeGreaterThan 0
        $run.BalanceAfter - $run.BalanceBefore | Should -Be ($claimed.Amount - [System.Numerics.BigInteger]$run.Claim.GasUsed * $run.Claim.EffectiveGasPrice)
        $run.BalanceAfter | Should -BeGreaterThan $run.BalanceBefore
    }

    It 'forfeits a terminated deal when a keeper pokes it, and deregisters its provider (Invoke-FilFilPoke)' {
        $run.Poke.Status | Should -Be 'Success'
        $run.Poked.State | Should -Be 'Terminated'
        $run.Poked.Forfeited | Should -BeGreaterThan 0
        $run.Poked.Claimed + $run.Poked.Forfeited | Should -Be $run.Poked.Reward
        $run.PokedProvider.Status | Should -Be 'Removed'
        ($run.Poke.Events | ForEach-Object { $_.GetType().Name }) | Should -Contain 'ProviderDeregisteredEvent'
    }

    It 'has the same effect with -Unsigned, sent by another account' {
        $u = $run.Unsigned
        $u.PSObject.TypeNames[0] | Should -Be 'FilFil.PowerShell.DealClient.UnsignedTransaction'
        $u.Function | Should -Be 'poke'
        $u.Value | Should -Be 0
        ($u.SafeJson | ConvertFrom-Json).transactions[0].data | Should -Be $u.Data
        $run.UnsignedReceiptStatus | Should -Be 1
        $run.UnsignedDeal.State | Should -Be 'Terminated'
        $run.UnsignedDeal.Forfeited | Should -Be $run.UnsignedDeal.Reward
        $run.UnsignedProvider.Status | Should -Be 'Removed'
    }

    It 'keeps its folder with -Keep, with the snapshots it served' {
        Get-ChildItem -Path $out -Filter 'devnet-*.car' | Should -HaveCount 2
    }
}

Describe 'examples/paid-half.ps1 in a fresh pwsh' {
    It 'runs with -File and deletes the folder it created' {
        $dir = Join-Path $TestDrive 'fresh'
        $r = Invoke-ChildPwsh -ArgumentList '-File', $example, '-OutDir', $dir
        $r.ExitCode | Should -Be 0 -Because $r.Log
        $r.Output | Should -Match 'claimed deal \d+: the controller''s balance rose'
        $r.Output | Should -Match ([regex]::Escape("deleted $dir"))
        $dir | Should -Not -Exist
    }
}
