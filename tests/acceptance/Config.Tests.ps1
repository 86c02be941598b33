# Set-FilFilConfig / Get-FilFilConfig: the config file, environment overrides, validation, and no secret in output.
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
}

Describe 'FilFil config' {
    BeforeEach {
        $config = Join-Path $TestDrive "config-$([guid]::NewGuid().ToString('n')).json"
        $token = 'lotus-token-' + [guid]::NewGuid().ToString('n')
    }
    AfterEach {
        Remove-Item Env:FILFIL_MINER, Env:FILFIL_RPC_TOKEN -ErrorAction SilentlyContinue
    }

    It 'stores the settings and shows them without the token' {
        $view = Set-FilFilConfig -Path $config -RpcUrl http://127.0.0.1:1234/rpc/v1 -RpcToken $token `
            -Contract f410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gmy -Miner t01234 -DealBackend curio -PassThru -ErrorAction Stop
        $view.RpcUrl | Should -Be 'http://127.0.0.1:1234/rpc/v1'
        $view.RpcTokenSet | Should -BeTrue
        $view.Contract | Should -Be '0xd388ab098ed3e84c0d808776440b48f685198498'
        $view.Miner | Should -Be 'f01234'
        $view.DealBackend | Should -Be 'Curio'
        ($view | Format-List * | Out-String) | Should -Not -Match $token
        ($view | ConvertTo-Json -Depth 5) | Should -Not -Match $token
        (Get-FilFilConfig -Path $config).Contract | Should -Be $view.Contract
        (Get-Content -LiteralPath $config -Raw) | Should -Match $token   # stored for scheduled runs
    }

    It 'lets the environment override a setting' {
        Set-FilFilConfig -Path $config -Miner 1000 -ErrorAction Stop
        $env:FILFIL_MINER = 'f02000'
        $view = Get-FilFilConfig -Path $config
        $view.Miner | Should -Be 'f02000'
        $view.EnvironmentOverrides | Should -Be @('Miner')
    }

    It 'refuses a bad value with InvalidData and writes nothing' {
        Set-FilFilConfig -Path $config -Contract 0x1234 -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $config
        Test-Path -LiteralPath $config | Should -BeFalse
    }

    It '-WhatIf writes nothing' {
        Set-FilFilConfig -Path $config -Miner 5 -WhatIf
        Test-Path -LiteralPath $config | Should -BeFalse
    }

    It 'a verbose run does not log the token' {
        $out = Set-FilFilConfig -Path $config -RpcToken $token -Verbose -PassThru 4>&1 | Out-String
        $out | Should -Not -Match $token
    }
}
