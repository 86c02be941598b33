# The deal-client cmdlets' last fallback for -RpcUrl and -Contract: the session's Start-FilFilDevnet -Evm, whose
# /rpc/v1 serves eth_* (forwarded to anvil) next to Filecoin.*. No FILFIL_* variable and no config file here.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    $env:FILFIL_CONFIG = Join-Path $TestDrive 'none.json'
    foreach ($v in 'FILFIL_RPC_URL', 'FILFIL_CONTRACT', 'FILFIL_KEYSTORE') { Remove-Item "Env:$v" -ErrorAction SilentlyContinue }
    $d = Start-FilFilDevnet -Evm -StateBlocks 64 -EvmProviders 1
    $operator = $d.EvmAccounts | Where-Object Name -EQ 'Operator'
}

AfterAll {
    Stop-FilFilDevnet
    Remove-Item Env:FILFIL_CONFIG -ErrorAction SilentlyContinue
}

Describe 'Deal-client cmdlets on Start-FilFilDevnet -Evm' {
    It 'read the contract of the running devnet through its own /rpc/v1' {
        $p = Get-FilFilParameter -ErrorAction Stop
        $p.Contract | Should -Be ([FilFil.DealClient.Ethereum.EthereumEndpoint]::NormalizeAddress($d.Contract))
    }

    It 'send transactions through it, signed with the devnet''s keystores' {
        $before = (Get-FilFilParameter).RewardPool
        $r = Add-FilFilReward -Amount '2 FIL' -KeystorePath $operator.KeystorePath -Credential $d.EvmCredential -Confirm:$false -ErrorAction Stop
        $r.Status | Should -Be 'Success'
        (Get-FilFilParameter).RewardPool - $before | Should -Be ([System.Numerics.BigInteger]::Parse('2000000000000000000'))
    }

    It 'once the devnet stops, the missing settings are an error again' {
        Stop-FilFilDevnet
        $e = { Get-FilFilParameter } | Should -Throw -ExpectedMessage '*Set-FilFilConfig*Start-FilFilDevnet -Evm*' -PassThru
        $e.FullyQualifiedErrorId | Should -Be 'MissingSetting,FilFil.PowerShell.Commands.GetFilFilParameterCommand'
    }
}
