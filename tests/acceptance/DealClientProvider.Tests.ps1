# The provider and keeper cmdlets on Start-FilFilDevnet -Evm (anvil with FilFilDealClient deployed by
# script/Deploy.s.sol) and its miner actor stand-ins (MockMiner / MockPower) f01001, f01002 and f01003, each
# controlled by one of the devnet's provider accounts:
# registration (miner as f0/t0/number, pipeline), the roster with who stores which snapshot, offers and settlements,
# leaving and withdrawing collateral, and the deal calls' reverts (no gas spent).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    $devnet = Start-FilFilDevnet -Evm -StateBlocks 64 -EvmProviders 3
    . (Join-Path $PSScriptRoot 'EvmAccounts.ps1')
    $env:FILFIL_CONFIG = Join-Path $TestDrive 'config.json'
    $env:FILFIL_RPC_URL = $devnet.RpcUrl
    $env:FILFIL_CONTRACT = $devnet.Contract
    $cred = $devnet.EvmCredential
    # [0] the operator; [1..3] the providers controlling f01001, f01002 and f01003
    $accounts = 'Operator', 'Provider1', 'Provider2', 'Provider3' | ForEach-Object { Get-TestAccount $_ }
    $keystores = $accounts.KeystorePath
    $addresses = $accounts | ForEach-Object Address   # (an array's .Address is its own Address() method)
    $oneFil = [System.Numerics.BigInteger]::Parse('1000000000000000000')
    $null = Add-FilFilReward -Amount '20 FIL' -KeystorePath $keystores[0] -Credential $cred -Confirm:$false -ErrorAction Stop
}

AfterAll {
    Stop-FilFilDevnet
    Remove-Item Env:FILFIL_CONFIG, Env:FILFIL_RPC_URL, Env:FILFIL_CONTRACT -ErrorAction SilentlyContinue
}

Describe 'Register-FilFilProvider and Get-FilFilProvider' {
    It 'registers f01001 with the minimum collateral, from the account that controls it' {
        $r = Register-FilFilProvider -Miner f01001 -RetrievalUrl 'http://127.0.0.1:1/piece/' -KeystorePath $keystores[1] -Credential $cred -Confirm:$false -ErrorAction Stop
        $r.Status | Should -Be 'Success'
        $e = $r.Events | Where-Object { $_ -is [FilFil.DealClient.Messages.ProviderRegisteredEvent] }
        $e.Provider | Should -Be 1001
        $e.Controller | Should -Be $addresses[1]
        $p = Get-FilFilProvider -Miner t01001 -ErrorAction Stop
        $p.Miner | Should -Be 'f01001'
        $p.Status | Should -Be 'Active'
        $p.Controller | Should -Be $addresses[1]
        $p.Collateral | Should -Be (10 * $oneFil)
        $p.RetrievalUrl | Should -Be 'http://127.0.0.1:1/piece/'
    }

    It 'binds Miner and RetrievalUrl from the pipeline and takes -Collateral in FIL' {
        $r = [pscustomobject]@{ Miner = '1002'; RetrievalUrl = 'https://sp2.example/piece/' } |
            Register-FilFilProvider -Collateral '12 FIL' -KeystorePath $keystores[2] -Credential $cred -Confirm:$false -ErrorAction Stop
        $r.Status | Should -Be 'Success'
        (Get-FilFilProvider -Miner 1002).Collateral | Should -Be (12 * $oneFil)
    }

    It 'a miner the account does not control is refused with NotMinerController, and no gas is spent' {
        $balance = Get-TestBalance $addresses[1]
        $nonce = Get-TestNonce $addresses[1]
        $err = $null
        Register-FilFilProvider -Miner f01003 -RetrievalUrl 'http://127.0.0.1:1/' -KeystorePath $keystores[1] -Credential $cred -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].Exception.ErrorName | Should -Be 'NotMinerController'
        $err[0].TargetObject | Should -Be 'f01003'
        Get-TestBalance $addresses[1] | Should -Be $balance
        Get-TestNonce $addresses[1] | Should -Be $nonce
    }

    It 'a miner that is no miner ID is a parameter error' {
        { Register-FilFilProvider -Miner 'x1001' -RetrievalUrl 'http://127.0.0.1:1/' -Unsigned } | Should -Throw -ExpectedMessage '*f01234, t01234 or 1234*'
    }

    It 'without -Miner the default miner of the config is used' {
        $env:FILFIL_MINER = 't01001'
        try {
            $tx = Register-FilFilProvider -RetrievalUrl 'http://127.0.0.1:1/' -Unsigned -Confirm:$false -ErrorAction Stop
            $tx.Function | Should -Be 'register'
            $tx.Value | Should -Be (10 * $oneFil)
            $tx.Data | Should -Match '00000000000000000000000000000000000000000000000000000000000003e9'  # 1001
        }
        finally { Remove-Item Env:FILFIL_MINER }
    }

    It 'Get-FilFilProvider without -Miner gives the roster' {
        (Get-FilFilProvider -ErrorAction Stop).Miner | Should -Be @('f01001', 'f01002')
    }

    It 'a miner that is not registered is a non-terminating ObjectNotFound error' {
        $err = $null
        Get-FilFilProvider -Miner 9999, 1001 -ErrorVariable err -ErrorAction SilentlyContinue | ForEach-Object Miner | Should -Be 'f01001'
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'f09999'
    }
}

Describe 'Windows, offers and settlement' {
    BeforeAll {
        $published = Publish-FilFilCommP -Height 100 -Piece (New-TestPiece) -KeystorePath $keystores[0] -Credential $cred -Confirm:$false -ErrorAction Stop
    }

    It 'publishing assigns windows; Get-FilFilSlot and Get-FilFilProvider show who stores the snapshot' {
        @($published.Events | Where-Object { $_ -is [FilFil.DealClient.Messages.WindowAssignedEvent] }).Count | Should -Be 2
        $slot = Get-FilFilSlot 100 -ErrorAction Stop
        $slot.Replicas.Miner | Sort-Object | Should -Be @('f01001', 'f01002')
        $slot.Replicas.Status | Should -Be @('Open', 'Open')
        $slot.Replicas[0].DealIds | Should -Be @(-1)
        $slot.Replicas[0].DealStates | Should -Be @('None')
        $mine = (Get-FilFilProvider -Miner f01001).Replicas
        $mine.Height | Should -Be 100
        $mine.Status | Should -Be 'Open'
    }

    It 'the slot, its pieces and replicas, and the providers have table views' {
        $slot = Get-FilFilSlot 100
        ($slot | Out-String) | Should -Match 'f01001 Open'
        ($slot.Pieces | Out-String) | Should -Match 'baga6ea4seaq'
        ($slot.Replicas | Out-String) | Should -Match '-1 None'
        (Get-FilFilProvider | Out-String) | Should -Match 'f01002\s+Active\s+12'
    }

    It 'Request-FilFilOffer -Height offers the missing replica to a provider that registered since' {
        $null = Register-FilFilProvider -Miner 1003 -RetrievalUrl 'http://127.0.0.1:3/' -KeystorePath $keystores[3] -Credential $cred -Confirm:$false -ErrorAction Stop
        $r = Get-FilFilSlot 100 | Request-FilFilOffer -KeystorePath $keystores[3] -Credential $cred -Confirm:$false -ErrorAction Stop
        $r.Function | Should -Be 'offer'
        ($r.Events | Where-Object { $_ -is [FilFil.DealClient.Messages.SlotOfferedEvent] }).Slot | Should -Be 100
        (Get-FilFilSlot 100).Replicas.Miner | Sort-Object | Should -Be @('f01001', 'f01002', 'f01003')
    }

    It 'settling an open window is refused with NothingToSettle; after it closes, settling records the miss' {
        $replica = (Get-FilFilSlot 100).Replicas | Where-Object Miner -EQ 'f01001'
        $err = $null
        Request-FilFilOffer -Assignment $replica.Assignment -KeystorePath $keystores[3] -Credential $cred -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.ErrorName | Should -Be 'NothingToSettle'
        $devnet | Step-FilFilDevnet -EvmBlocks 256 | Out-Null
        $r = Request-FilFilOffer -Assignment $replica.Assignment -KeystorePath $keystores[3] -Credential $cred -Confirm:$false -ErrorAction Stop
        ($r.Events | Where-Object { $_ -is [FilFil.DealClient.Messages.WindowMissedEvent] }).Provider | Should -Be 1001
        ((Get-FilFilSlot 100).Replicas | Where-Object Miner -EQ 'f01001').Status | Should -Be 'Missed'
        (Get-FilFilProvider -Miner 1001).Misses | Should -Be 1
    }
}

Describe 'Deals: claim and poke' {
    It 'Receive-FilFilReward and Invoke-FilFilPoke name UnknownDeal for a deal the contract does not know, and spend no gas' {
        $nonce = Get-TestNonce $addresses[1]
        $err = $null
        Receive-FilFilReward -DealId 4242 -KeystorePath $keystores[1] -Credential $cred -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        Invoke-FilFilPoke -DealId 4242 -KeystorePath $keystores[1] -Credential $cred -Confirm:$false -ErrorVariable +err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 2
        $err.Exception.ErrorName | Should -Be @('UnknownDeal', 'UnknownDeal')
        $err[0].Exception.Message | Should -Match 'claim .* reverts: UnknownDeal\(dealId: 4242\)'
        $err.TargetObject | Should -Be @(4242, 4242)
        Get-TestNonce $addresses[1] | Should -Be $nonce
    }

    It 'deal IDs bind from the pipeline; -Unsigned writes one transaction per deal' {
        $txs = 1001, 1002 | Receive-FilFilReward -Unsigned -Confirm:$false -ErrorAction Stop
        $txs.Function | Should -Be @('claim', 'claim')
        $txs[1].Data | Should -Match '3ea$'   # 1002
    }
}

Describe 'Unregister-FilFilProvider' {
    It 'takes the provider off the roster; it keeps its windows' {
        $r = Unregister-FilFilProvider -Miner f01002 -KeystorePath $keystores[2] -Credential $cred -Confirm:$false -ErrorAction Stop
        $r.Function | Should -Be 'unregister'
        (Get-FilFilProvider -Miner 1002).Status | Should -Be 'Leaving'
        (Get-FilFilProvider).Miner | Should -Not -Contain 'f01002'
    }

    It '-WithdrawCollateral returns the collateral to the controller once its window has closed' {
        $before = Get-TestBalance $addresses[2]
        $r = Unregister-FilFilProvider -Miner f01002 -WithdrawCollateral -KeystorePath $keystores[2] -Credential $cred -Confirm:$false -ErrorAction Stop
        $r.Function | Should -Be 'withdrawCollateral'
        $paid = ($r.Events | Where-Object { $_ -is [FilFil.DealClient.Messages.CollateralWithdrawnEvent] }).Amount
        $paid | Should -Be (12 * $oneFil)
        (Get-TestBalance $addresses[2]) - $before | Should -BeGreaterThan (11 * $oneFil)
    }

    It 'unregistering a miner that never registered is ObjectNotFound' {
        $err = $null
        Unregister-FilFilProvider -Miner 7777 -KeystorePath $keystores[2] -Credential $cred -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
