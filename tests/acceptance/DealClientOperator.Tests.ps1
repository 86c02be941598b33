# The operator's cmdlets on Start-FilFilDevnet -Evm (anvil with FilFilDealClient deployed by script/Deploy.s.sol and
# the actor stand-ins, a 20-block timelock; eth_* through the devnet's /rpc/v1): Publish-FilFilCommP from
# New-FilFilSnapshot output, the explicit correction path, parameters with the timelock, the reward pool, pause;
# -WhatIf, -Unsigned, reverts that spend no gas, keystore errors, settings, a -Contract that is no contract, Ctrl-C
# during a receipt wait, and no secret in the log or $Error.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
    $devnet = Start-FilFilDevnet -Evm -StateBlocks 64 -EvmProviders 1 -ContractParameter @{ Timelock = 20 }
    . (Join-Path $PSScriptRoot 'EvmAccounts.ps1')
    $chain4 = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' '..' 'shared' 'fixtures' 'filecoin' 'mainnet-chain4-h0-3.car'))
    $env:FILFIL_HOME = Join-Path $TestDrive 'home'
    $env:FILFIL_CONFIG = Join-Path $TestDrive 'config.json'
    $env:FILFIL_RPC_URL = $devnet.RpcUrl
    $env:FILFIL_CONTRACT = $devnet.Contract
    # the devnet's keystores share its test password
    $password = $devnet.EvmCredential.GetNetworkCredential().Password
    $ownerKeystore = (Get-TestAccount Operator).KeystorePath
    $userKeystore = (Get-TestAccount User).KeystorePath
    $operatorAddress = (Get-TestAccount Operator).Address
    $userAddress = (Get-TestAccount User).Address
    $env:FILFIL_KEYSTORE = $ownerKeystore
    $owner = $user = $devnet.EvmCredential
    $log = Join-Path $TestDrive 'filfil.log'
    Set-FilFilLogging -Level Information -Path $log

    $null = Import-FilFilSnapshot -Path $chain4 -RecentStateRoots 0
    $record = New-FilFilSnapshot -Path (Join-Path $TestDrive 'h3.car') -RecentStateRoots 0
}

AfterAll {
    Stop-FilFilDevnet
    Clear-FilFilEngine -Confirm:$false
    Set-FilFilLogging -Level Information -Path ''
    Remove-Item Env:FILFIL_HOME, Env:FILFIL_CONFIG, Env:FILFIL_RPC_URL, Env:FILFIL_CONTRACT, Env:FILFIL_KEYSTORE -ErrorAction SilentlyContinue
}

Describe 'Publish-FilFilCommP' {
    It 'publishes a New-FilFilSnapshot record from the pipeline under its height' {
        $record.Pieces | Should -Not -BeNullOrEmpty
        $result = $record | Publish-FilFilCommP -Credential $owner -Confirm:$false -ErrorAction Stop
        $result.Status | Should -Be 'Success'
        $result.Function | Should -Be 'publishSlot'
        $result.From | Should -Be $operatorAddress
        $published = $result.Events | Where-Object { $_ -is [FilFil.DealClient.Messages.SlotPublishedEvent] }
        $published.Slot | Should -Be 3
        $slot = Get-FilFilSlot -Height 3 -ErrorAction Stop
        $slot.PieceCount | Should -Be $record.Pieces.Count
        $slot.Pieces[0].PieceCid | Should -Be $record.Pieces[0].PieceCidV1
        $slot.Pieces[0].CarSize | Should -Be $record.Pieces[0].PayloadSize
        $slot.Pieces[0].PaddedSize | Should -Be $record.Pieces[0].PaddedSize
        $slot.PublishedAt | Should -Be $result.Block
    }

    It 're-publishing a height without -Correct is refused, naming -Correct, and sends nothing' {
        $nonce = Get-TestNonce $operatorAddress
        $err = $null
        Publish-FilFilCommP -Height 3 -Piece (New-TestPiece) -Credential $owner -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'AlreadyPublished,FilFil.PowerShell.Commands.PublishFilFilCommPCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].Exception.Message | Should -Match '-Correct'
        Get-TestNonce $operatorAddress | Should -Be $nonce
        (Get-FilFilSlot -Height 3).Pieces[0].PieceCid | Should -Be $record.Pieces[0].PieceCidV1
    }

    It '-Correct retracts the slot and publishes the new pieces' {
        $piece = New-TestPiece
        $results = Publish-FilFilCommP -Height 3 -Piece $piece -Correct -Credential $owner -Confirm:$false -ErrorAction Stop
        $results.Function | Should -Be @('retractSlot', 'publishSlot')
        $results.Status | Should -Be @('Success', 'Success')
        $results[0].Events[0].GetType().Name | Should -Be 'SlotRetractedEvent'
        (Get-FilFilSlot -Height 3).Pieces.PieceCid | Should -Be $piece.PieceCidV1
    }

    It '-WhatIf sends nothing' {
        $nonce = Get-TestNonce $operatorAddress
        Publish-FilFilCommP -Height 7 -Piece (New-TestPiece) -Credential $owner -WhatIf | Should -BeNullOrEmpty
        Get-TestNonce $operatorAddress | Should -Be $nonce
        Get-FilFilSlot -Height 7 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It '-Unsigned writes the transaction and Safe JSON, sends nothing; the owner sending it publishes the slot' {
        $nonce = Get-TestNonce $operatorAddress
        $piece = New-TestPiece
        $tx = Publish-FilFilCommP -Height 8 -Piece $piece -Unsigned -Confirm:$false -ErrorAction Stop
        $tx | Should -BeOfType ([FilFil.PowerShell.DealClient.UnsignedTransaction])
        $tx.Function | Should -Be 'publishSlot'
        $tx.To | Should -Be $devnet.Contract
        $tx.ChainId | Should -Be 31337
        $tx.Value | Should -Be 0
        $safe = $tx.SafeJson | ConvertFrom-Json
        $safe.chainId | Should -Be '31337'
        $safe.transactions[0].data | Should -Be $tx.Data
        Get-TestNonce $operatorAddress | Should -Be $nonce
        $null = Send-TestTransaction -From Operator -To $tx.To -Data $tx.Data
        (Get-FilFilSlot -Height 8).Pieces.PieceCid | Should -Be $piece.PieceCidV1
    }

    It 'a reverting call (not the owner) is a clear error naming the contract error, and spends no gas' {
        $balance = Get-TestBalance $userAddress
        $nonce = Get-TestNonce $userAddress
        $err = $null
        Publish-FilFilCommP -Height 9 -Piece (New-TestPiece) -KeystorePath $userKeystore -Credential $user -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ContractReverted,FilFil.PowerShell.Commands.PublishFilFilCommPCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.ErrorName | Should -Be 'NotOwner'
        $err[0].Exception.Message | Should -Match 'publishSlot .* reverts: NotOwner\(\); nothing was sent, no gas spent'
        $err[0].TargetObject | Should -Be 9
        Get-TestBalance $userAddress | Should -Be $balance
        Get-TestNonce $userAddress | Should -Be $nonce
    }

    It 'a piece that is no piece CID is an InvalidArgument error before anything is read or sent' {
        $err = $null
        Publish-FilFilCommP -Height 9 -Piece @{ PieceCidV1 = 'bafy2bzacea'; PaddedSize = 2048; PayloadSize = 1500 } -Credential $owner -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'piece 0'
    }
}

Describe 'Keystore and settings errors' {
    It 'a wrong keystore password is an AuthenticationError naming the file, not the password' {
        $wrong = [pscredential]::new('x', (ConvertTo-SecureString 'not-the-password-42' -AsPlainText -Force))
        $err = $null
        Add-FilFilReward -Amount 1 -Credential $wrong -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].FullyQualifiedErrorId | Should -Be 'KeystoreError,FilFil.PowerShell.Commands.AddFilFilRewardCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape($ownerKeystore))
        $err[0].Exception.Message | Should -Match 'wrong password'
        ($err[0] | Out-String) | Should -Not -Match 'not-the-password-42'
    }

    It 'the password also comes from FILFIL_KEYSTORE_PASSWORD' {
        $env:FILFIL_KEYSTORE_PASSWORD = $password
        try { (Add-FilFilReward -Amount 5 -Confirm:$false -ErrorAction Stop).Status | Should -Be 'Success' }
        finally { Remove-Item Env:FILFIL_KEYSTORE_PASSWORD }
    }

    It 'a missing setting stops the command naming the parameter, the variable and Set-FilFilConfig' {
        # in a fresh pwsh: this session's devnet would be the last fallback (DealClientDevnet.Tests.ps1)
        $script = "Import-Module '$(Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')'; " +
            'try { Get-FilFilParameter -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }'
        $r = Invoke-ChildPwsh -ArgumentList '-Command', $script -Environment @{ FILFIL_RPC_URL = $null; FILFIL_CONFIG = (Join-Path $TestDrive 'none.json') }
        $r.Output | Should -Match 'MissingSetting,FilFil.PowerShell.Commands.GetFilFilParameterCommand' -Because $r.Log
        $r.Output -replace '\s+', ' ' | Should -BeLike '*-RpcUrl*FILFIL_RPC_URL*Set-FilFilConfig -RpcUrl*' -Because $r.Log
    }

    It 'the config file supplies the settings (Set-FilFilConfig)' {
        Remove-Item Env:FILFIL_RPC_URL, Env:FILFIL_CONTRACT
        try {
            Set-FilFilConfig -RpcUrl $devnet.RpcUrl -Contract $devnet.Contract -Confirm:$false
            (Get-FilFilParameter -ErrorAction Stop).Contract | Should -Be $devnet.Contract
        }
        finally {
            $env:FILFIL_RPC_URL = $devnet.RpcUrl
            $env:FILFIL_CONTRACT = $devnet.Contract
            Remove-Item -LiteralPath $env:FILFIL_CONFIG
        }
    }

    It '-Contract at an address without code is a clear InvalidArgument error, not zeros' -ForEach @(
        @{ Address = '0x000000000000000000000000000000000000dEaD' }
        @{ Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }  # an account of anvil's, not a contract
    ) {
        # a terminating error: the command stops before it reads anything
        $e = { Get-FilFilParameter -Contract $Address } | Should -Throw -PassThru
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match 'no contract at'
        $e.TargetObject | Should -Be $Address
    }

    It '-Contract that is not an address is an InvalidArgument error' {
        { Get-FilFilSlot -Contract 'f01234' -ErrorAction Stop } | Should -Throw -ExpectedMessage '*not a contract address*'
    }

    It 'an f410 -Contract is accepted' {
        $f410 = [FilFil.Core.Chain.FilecoinAddress]::FromEthereum($devnet.Contract).ToString()
        (Get-FilFilParameter -Contract $f410 -ErrorAction Stop).Contract | Should -Be $devnet.Contract
    }

    It 'an unreachable RPC endpoint is a ConnectionError' {
        $e = { Get-FilFilParameter -RpcUrl 'http://127.0.0.1:9' } | Should -Throw -PassThru
        $e.CategoryInfo.Category | Should -Be 'ConnectionError'
        "$e" | Should -Match 'Connection refused'
    }
}

Describe 'Parameters, reward pool and pause' {
    It 'Get-FilFilParameter shows the deployed parameters' {
        $p = Get-FilFilParameter -ErrorAction Stop
        $p.MinCollateral | Should -Be ([System.Numerics.BigInteger]::Parse('10000000000000000000'))
        $p.WindowLength | Should -Be 120
        $p.Replicas | Should -Be 3
        $p.Timelock | Should -Be 20
        $p.Paused | Should -BeFalse
    }

    It 'Set-FilFilParameter announces under the timelock, and the same call after it applies' {
        $announced = Set-FilFilParameter -MinCollateral '20 FIL' -Credential $owner -Confirm:$false -WarningVariable warn -WarningAction SilentlyContinue -ErrorAction Stop
        $announced.Status | Should -Be 'Success'
        $announced.Events[0].GetType().Name | Should -Be 'ActionAnnouncedEvent'
        "$warn" | Should -Match 'run the same command again at or after block'
        (Get-FilFilParameter).MinCollateral | Should -Be ([System.Numerics.BigInteger]::Parse('10000000000000000000'))
        $devnet | Step-FilFilDevnet -EvmBlocks 20 | Out-Null   # the timelock: 20 blocks
        $applied = Set-FilFilParameter -MinCollateral '20 FIL' -Credential $owner -Confirm:$false -ErrorAction Stop
        $applied.Events[0].GetType().Name | Should -Be 'ParamsUpdatedEvent'
        (Get-FilFilParameter).MinCollateral | Should -Be ([System.Numerics.BigInteger]::Parse('20000000000000000000'))
    }

    It 'Set-FilFilParameter without a parameter to change is an error' {
        { Set-FilFilParameter -Credential $owner -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*at least one parameter*'
    }

    It 'Add-FilFilReward funds the pool' {
        $before = (Get-FilFilParameter).RewardPool
        $result = Add-FilFilReward -Amount '1.5 FIL' -Credential $owner -Confirm:$false -ErrorAction Stop
        $result.Events[0].Amount | Should -Be ([System.Numerics.BigInteger]::Parse('1500000000000000000'))
        (Get-FilFilParameter).RewardPool - $before | Should -Be ([System.Numerics.BigInteger]::Parse('1500000000000000000'))
    }

    It '-Unsigned yields a transaction that another account sends with the same effect' {
        $before = (Get-FilFilParameter).RewardPool
        $signed = Add-FilFilReward -Amount '1 FIL' -Credential $owner -Confirm:$false -ErrorAction Stop
        $afterSigned = (Get-FilFilParameter).RewardPool
        $tx = Add-FilFilReward -Amount '1 FIL' -Unsigned -Confirm:$false -ErrorAction Stop
        $tx.Value | Should -Be ([System.Numerics.BigInteger]::Parse('1000000000000000000'))
        $receipt = Send-TestTransaction -From Provider1 -To $tx.To -Data $tx.Data -Value $tx.Value
        $receipt.From | Should -Be (Get-TestAccount Provider1).Address.ToLowerInvariant()
        $afterUnsigned = (Get-FilFilParameter).RewardPool
        ($afterUnsigned - $afterSigned) | Should -Be ($afterSigned - $before)
        $signed.Events[0].Amount | Should -Be ($afterUnsigned - $afterSigned)
    }

    It 'Suspend- and Resume-FilFilDealClient pause and unpause; suspending twice names IsPaused' {
        (Suspend-FilFilDealClient -Credential $owner -Confirm:$false -ErrorAction Stop).Function | Should -Be 'pause'
        (Get-FilFilParameter).Paused | Should -BeTrue
        $err = $null
        Suspend-FilFilDealClient -Credential $owner -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.ErrorName | Should -Be 'IsPaused'
        (Resume-FilFilDealClient -Credential $owner -Confirm:$false -ErrorAction Stop).Function | Should -Be 'unpause'
        (Get-FilFilParameter).Paused | Should -BeFalse
    }
}

Describe 'Ctrl-C during the receipt wait' {
    It 'stops the wait at once (OperationStopped), logs the hash, and the transaction stays in the pool' {
        # no automine: the sent transaction waits in the pool as on a chain with 30 s blocks, until a block is mined
        $null = $devnet.Evm.SetAutomineAsync($false, $evmNone).GetAwaiter().GetResult()
        $ps = [powershell]::Create()   # another runspace of this process: same settings, log and devnet
        try {
            $null = $ps.AddScript({
                param($manifest, $cred)
                Import-Module $manifest
                Add-FilFilReward -Amount '3 FIL' -Credential $cred -Confirm:$false
            }).AddArgument((Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')).AddArgument($owner)
            $pool = (Get-FilFilParameter).RewardPool
            $handle = $ps.BeginInvoke()
            # the wait's progress record names the transaction (read by index: enumerating a stream blocks until it completes)
            $until = [DateTime]::UtcNow.AddSeconds(90)
            $hash = $null
            while (-not $hash -and [DateTime]::UtcNow -lt $until -and -not $handle.IsCompleted) {
                $progress = $ps.Streams.Progress
                for ($i = 0; $i -lt $progress.Count -and -not $hash; $i++) {
                    if ($progress[$i].StatusDescription -match '^(0x[0-9a-f]{64}): head block') { $hash = $Matches[1] }
                }
                if (-not $hash) { Start-Sleep -Milliseconds 100 }
            }
            $hash | Should -Not -BeNullOrEmpty -Because 'the wait shows its progress'
            $ps.Streams.Error.Count | Should -Be 0
            $handle.IsCompleted | Should -BeFalse -Because 'no block is mined'
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $stopped = { $ps.EndInvoke($handle) } | Should -Throw -PassThru
            $stopped.Exception.InnerException | Should -BeOfType ([System.Management.Automation.PipelineStoppedException])
            $stopped.Exception.InnerException.ErrorRecord.CategoryInfo.Category | Should -Be 'OperationStopped'
            Get-Content -LiteralPath $log -Raw | Should -Match "stopped waiting for fundRewards $hash"
            # nothing happened yet; the next block mines the transaction
            (Get-FilFilParameter).RewardPool | Should -Be $pool
            $devnet | Step-FilFilDevnet -EvmBlocks 1 | Out-Null
            $receipt = $evmEndpoint.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync($hash).GetAwaiter().GetResult()
            $receipt.Status.Value | Should -Be 1
            (Get-FilFilParameter).RewardPool - $pool | Should -Be ([System.Numerics.BigInteger]::Parse('3000000000000000000'))
        }
        finally {
            $null = $devnet.Evm.SetAutomineAsync($true, $evmNone).GetAwaiter().GetResult()
            $ps.Dispose()
        }
    }
}

Describe 'Secrets' {
    It 'no keystore password or private key in the log file or $Error' {
        $keys = 'Operator', 'User' | ForEach-Object { Get-TestPrivateKey $_ }
        $text = (Get-Content -LiteralPath $log -Raw) + ($Error | Out-String) + (($Error | ForEach-Object { $_.Exception.ToString() }) -join "`n")
        $text.Length | Should -BeGreaterThan 0
        foreach ($secret in @($password) + $keys) {
            $text | Should -Not -Match ([regex]::Escape($secret))
        }
        Get-Content -LiteralPath $log -Raw | Should -Match 'sent publishSlot'
    }
}
