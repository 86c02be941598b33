# The operator's cmdlets against a real anvil with FilFilDealClient deployed by script/Deploy.s.sol (actor
# stand-ins): Publish-FilFilCommP from New-FilFilSnapshot output, the explicit correction path, parameters with
# the timelock, the reward pool, pause; -WhatIf, -Unsigned, reverts that spend no gas, keystore errors, settings,
# a -Contract that is no contract, and no secret in the log or $Error.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    . (Join-Path $PSScriptRoot 'Anvil.ps1')
    $anvil = Start-TestAnvil -DeployEnvironment @{ FILFIL_TIMELOCK = '20' }
    $chain4 = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' '..' 'shared' 'fixtures' 'filecoin' 'mainnet-chain4-h0-3.car'))
    $env:FILFIL_HOME = Join-Path $TestDrive 'home'
    $env:FILFIL_CONFIG = Join-Path $TestDrive 'config.json'
    $env:FILFIL_RPC_URL = $anvil.Url
    $env:FILFIL_CONTRACT = $anvil.Contract
    $ownerPassword = 'owner-pw-' + [guid]::NewGuid().ToString('n')
    $userPassword = 'user-pw-' + [guid]::NewGuid().ToString('n')
    $ownerKeystore = New-TestKeystore -Index 0 -Password $ownerPassword -Path (Join-Path $TestDrive 'owner.json')
    $userKeystore = New-TestKeystore -Index 1 -Password $userPassword -Path (Join-Path $TestDrive 'user.json')
    $env:FILFIL_KEYSTORE = $ownerKeystore
    $owner = [pscredential]::new('owner', (ConvertTo-SecureString $ownerPassword -AsPlainText -Force))
    $user = [pscredential]::new('user', (ConvertTo-SecureString $userPassword -AsPlainText -Force))
    $log = Join-Path $TestDrive 'filfil.log'
    Set-FilFilLogging -Level Information -Path $log
    function Get-Nonce([string] $Address) { [Convert]::ToInt64((Invoke-TestRpc $anvil eth_getTransactionCount @($Address, 'latest')), 16) }

    $null = Import-FilFilSnapshot -Path $chain4 -RecentStateRoots 0
    $record = New-FilFilSnapshot -Path (Join-Path $TestDrive 'h3.car') -RecentStateRoots 0
}

AfterAll {
    Stop-TestAnvil $anvil
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
        $result.From | Should -Be $AnvilAddresses[0]
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
        $nonce = Get-Nonce $AnvilAddresses[0]
        $err = $null
        Publish-FilFilCommP -Height 3 -Piece (New-TestPiece) -Credential $owner -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'AlreadyPublished,FilFil.PowerShell.Commands.PublishFilFilCommPCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].Exception.Message | Should -Match '-Correct'
        Get-Nonce $AnvilAddresses[0] | Should -Be $nonce
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
        $nonce = Get-Nonce $AnvilAddresses[0]
        Publish-FilFilCommP -Height 7 -Piece (New-TestPiece) -Credential $owner -WhatIf | Should -BeNullOrEmpty
        Get-Nonce $AnvilAddresses[0] | Should -Be $nonce
        Get-FilFilSlot -Height 7 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It '-Unsigned writes the transaction and Safe JSON, sends nothing; the owner sending it publishes the slot' {
        $nonce = Get-Nonce $AnvilAddresses[0]
        $piece = New-TestPiece
        $tx = Publish-FilFilCommP -Height 8 -Piece $piece -Unsigned -Confirm:$false -ErrorAction Stop
        $tx | Should -BeOfType ([FilFil.PowerShell.DealClient.UnsignedTransaction])
        $tx.Function | Should -Be 'publishSlot'
        $tx.To | Should -Be $anvil.Contract
        $tx.ChainId | Should -Be 31337
        $tx.Value | Should -Be 0
        $safe = $tx.SafeJson | ConvertFrom-Json
        $safe.chainId | Should -Be '31337'
        $safe.transactions[0].data | Should -Be $tx.Data
        Get-Nonce $AnvilAddresses[0] | Should -Be $nonce
        $null = Send-TestTransaction $anvil -From $AnvilAddresses[0] -To $tx.To -Data $tx.Data
        (Get-FilFilSlot -Height 8).Pieces.PieceCid | Should -Be $piece.PieceCidV1
    }

    It 'a reverting call (not the owner) is a clear error naming the contract error, and spends no gas' {
        $balance = Get-TestBalance $anvil $AnvilAddresses[1]
        $nonce = Get-Nonce $AnvilAddresses[1]
        $err = $null
        Publish-FilFilCommP -Height 9 -Piece (New-TestPiece) -KeystorePath $userKeystore -Credential $user -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ContractReverted,FilFil.PowerShell.Commands.PublishFilFilCommPCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.ErrorName | Should -Be 'NotOwner'
        $err[0].Exception.Message | Should -Match 'publishSlot .* reverts: NotOwner\(\); nothing was sent, no gas spent'
        $err[0].TargetObject | Should -Be 9
        Get-TestBalance $anvil $AnvilAddresses[1] | Should -Be $balance
        Get-Nonce $AnvilAddresses[1] | Should -Be $nonce
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
        $env:FILFIL_KEYSTORE_PASSWORD = $ownerPassword
        try { (Add-FilFilReward -Amount 5 -Confirm:$false -ErrorAction Stop).Status | Should -Be 'Success' }
        finally { Remove-Item Env:FILFIL_KEYSTORE_PASSWORD }
    }

    It 'a missing setting stops the command naming the parameter, the variable and Set-FilFilConfig' {
        Remove-Item Env:FILFIL_RPC_URL
        try {
            { Get-FilFilParameter -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-RpcUrl*FILFIL_RPC_URL*Set-FilFilConfig -RpcUrl*'
            try { Get-FilFilParameter -ErrorAction Stop } catch { $_.FullyQualifiedErrorId | Should -Be 'MissingSetting,FilFil.PowerShell.Commands.GetFilFilParameterCommand' }
        }
        finally { $env:FILFIL_RPC_URL = $anvil.Url }
    }

    It 'the config file supplies the settings (Set-FilFilConfig)' {
        Remove-Item Env:FILFIL_RPC_URL, Env:FILFIL_CONTRACT
        try {
            Set-FilFilConfig -RpcUrl $anvil.Url -Contract $anvil.Contract -Confirm:$false
            (Get-FilFilParameter -ErrorAction Stop).Contract | Should -Be $anvil.Contract
        }
        finally {
            $env:FILFIL_RPC_URL = $anvil.Url
            $env:FILFIL_CONTRACT = $anvil.Contract
            Remove-Item -LiteralPath $env:FILFIL_CONFIG
        }
    }

    It '-Contract at an address without code is a clear InvalidArgument error, not zeros' -ForEach @(
        @{ Address = '0x000000000000000000000000000000000000dEaD' }
        @{ Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }  # an account, not a contract
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
        $f410 = [FilFil.Core.Chain.FilecoinAddress]::FromEthereum($anvil.Contract).ToString()
        (Get-FilFilParameter -Contract $f410 -ErrorAction Stop).Contract | Should -Be $anvil.Contract
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
        $null = Invoke-TestRpc $anvil anvil_mine @('0x14')   # the timelock: 20 blocks
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
        $receipt = Send-TestTransaction $anvil -From $AnvilAddresses[2] -To $tx.To -Data $tx.Data -Value $tx.Value
        $receipt.from | Should -Be $AnvilAddresses[2].ToLowerInvariant()
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

Describe 'Secrets' {
    It 'no keystore password or private key in the log file or $Error' {
        $keys = $AnvilKeys[0..1] | ForEach-Object { $_.Substring(2) }
        $text = (Get-Content -LiteralPath $log -Raw) + ($Error | Out-String) + (($Error | ForEach-Object { $_.Exception.ToString() }) -join "`n")
        $text.Length | Should -BeGreaterThan 0
        foreach ($secret in @($ownerPassword, $userPassword) + $keys) {
            $text | Should -Not -Match ([regex]::Escape($secret))
        }
        Get-Content -LiteralPath $log -Raw | Should -Match 'sent publishSlot'
    }
}
