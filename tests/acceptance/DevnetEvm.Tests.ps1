# Start-FilFilDevnet -Evm: anvil from contracts/node_modules with FilFilDealClient and the actor stand-ins, funded test
# accounts with keystores, miner stand-ins for the providers, and eth_* served on the devnet's own /rpc/v1 (forwarded
# to anvil) next to Filecoin.*. Needs `npm ci` in contracts/ (the first start compiles the contracts: minutes).
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))

    function Invoke-Rpc([string] $Url, [string] $Method, [object[]] $Params = @()) {
        $body = @{ jsonrpc = '2.0'; id = 1; method = $Method; params = $Params } | ConvertTo-Json -Depth 10 -Compress
        Invoke-RestMethod -Method Post -Uri $Url -ContentType 'application/json' -Body $body
    }

    # a WebSocket JSON-RPC round trip on the devnet's ws:// endpoint
    function Invoke-WsRpc([string] $Url, [string] $Method, [object[]] $Params = @()) {
        $ws = [System.Net.WebSockets.ClientWebSocket]::new()
        try {
            $ws.ConnectAsync([uri]$Url, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
            $req = @{ jsonrpc = '2.0'; id = 7; method = $Method; params = $Params } | ConvertTo-Json -Depth 10 -Compress
            $bytes = [Text.Encoding]::UTF8.GetBytes($req)
            $ws.SendAsync([ArraySegment[byte]]::new($bytes), 'Text', $true, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
            $buf = [byte[]]::new(1MB)
            $ms = [IO.MemoryStream]::new()
            do {
                $r = $ws.ReceiveAsync([ArraySegment[byte]]::new($buf), [Threading.CancellationToken]::None).GetAwaiter().GetResult()
                $ms.Write($buf, 0, $r.Count)
            } until ($r.EndOfMessage)
            [Text.Encoding]::UTF8.GetString($ms.ToArray()) | ConvertFrom-Json
        } finally { $ws.Dispose() }
    }

    function Get-Selector([string] $Signature) {
        '0x' + [Nethereum.Util.Sha3Keccack]::Current.CalculateHash($Signature).Substring(0, 8)
    }

    function Test-Port([int] $Port) {
        $c = [System.Net.Sockets.TcpClient]::new()
        try { $c.Connect([System.Net.IPAddress]::Loopback, $Port); $true } catch { $false } finally { $c.Dispose() }
    }
}

Describe 'Start-FilFilDevnet -Evm' {
    BeforeAll {
        $script:d = Start-FilFilDevnet -Evm -StateBlocks 64 -EvmProviders 2 -ContractParameter @{ Window = 40; StartDelay = 100 }
    }
    AfterAll {
        Stop-FilFilDevnet
    }

    It 'serves eth_chainId on the devnet''s own /rpc/v1 over HTTP and WebSocket' {
        $d.HasEvm | Should -BeTrue
        $d.RpcUrl | Should -Be $d.HttpEndpoint
        $d.ChainId | Should -Be 31337
        (Invoke-Rpc $d.RpcUrl 'eth_chainId').result | Should -Be '0x7a69'
        (Invoke-WsRpc $d.Endpoint 'eth_chainId').result | Should -Be '0x7a69'
        (Invoke-Rpc $d.RpcUrl 'net_version').result | Should -Be '31337'
        (Invoke-Rpc $d.RpcUrl 'web3_clientVersion').result | Should -Match 'anvil'
    }

    It 'still answers Filecoin.* on the same endpoint' {
        $head = Invoke-Rpc $d.RpcUrl 'Filecoin.ChainHead'
        $head.result.Height | Should -Be $d.Height
        (Invoke-WsRpc $d.Endpoint 'Filecoin.ChainHead').result.Cids[0].'/' | Should -Be $d.HeadTipSet[0]
    }

    It 'has FilFilDealClient deployed, owned by the Operator account, answering eth_call through the devnet' {
        $d.Contract | Should -Match '^0x[0-9a-fA-F]{40}$'
        (Invoke-Rpc $d.RpcUrl 'eth_getCode' @($d.Contract, 'latest')).result.Length | Should -BeGreaterThan 1000
        $owner = (Invoke-Rpc $d.RpcUrl 'eth_call' @(@{ to = $d.Contract; data = (Get-Selector 'owner()') }, 'latest')).result
        $operator = $d.EvmAccounts | Where-Object Name -EQ 'Operator'
        $owner | Should -Be ('0x' + $operator.Address.Substring(2).ToLowerInvariant().PadLeft(64, '0'))
    }

    It 'deploys with the contract parameters given' {
        $fn = [FilFil.DealClient.Messages.GetParamsFunction]::new()
        $endpoint = [FilFil.DealClient.Ethereum.EthereumEndpoint]::new([uri]$d.RpcUrl)
        $p = $endpoint.QueryOutputAsync[FilFil.DealClient.Messages.GetParamsFunction, FilFil.DealClient.Messages.GetParamsOutput]($d.Contract, $fn, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $p.Params.WindowLength | Should -Be 40
        $p.Params.StartDelay | Should -Be 100
    }

    It 'funds test accounts with keystores that open with the test password, and never shows a key' {
        $d.EvmAccounts.Name | Should -Be @('Operator', 'Provider1', 'Provider2', 'User')
        foreach ($a in $d.EvmAccounts) {
            $a.KeystorePath | Should -Exist
            [Numerics.BigInteger]::Parse('0' + (Invoke-Rpc $d.RpcUrl 'eth_getBalance' @($a.Address, 'latest')).result.Substring(2), 'AllowHexSpecifier') |
                Should -BeGreaterThan ([Numerics.BigInteger]::Pow(10, 21))
            $acct = [FilFil.DealClient.Ethereum.KeystoreAccount]::Load($a.KeystorePath, $d.EvmCredential.Password, 31337)
            $acct.Address | Should -Be $a.Address
        }
        $names = ($d.EvmAccounts[0].PSObject.Properties.Name + $d.PSObject.Properties.Name) -join ' '
        $names | Should -Not -Match 'Private|Secret|Key\b|Mnemonic'
        ($d | Format-List * | Out-String) | Should -Not -Match $d.EvmCredential.GetNetworkCredential().Password
    }

    It 'sets up each provider''s miner stand-in so the provider can register' {
        $p1 = $d.EvmAccounts | Where-Object Name -EQ 'Provider1'
        $p1.MinerId | Should -Be 1001
        ($d.EvmAccounts | Where-Object Name -EQ 'Provider2').MinerId | Should -Be 1002
        (Invoke-Rpc $d.RpcUrl 'eth_getCode' @('0xff000000000000000000000000000000000003e9', 'latest')).result.Length | Should -BeGreaterThan 100
        $isMiner = (Get-Selector 'isMiner(uint64)') + (1001).ToString('x64')
        (Invoke-Rpc $d.RpcUrl 'eth_call' @(@{ to = '0xff00000000000000000000000000000000000004'; data = $isMiner }, 'latest')).result |
            Should -Be ('0x' + '1'.PadLeft(64, '0'))
        # register as the provider would (Register-FilFilProvider sends the same call), signed from its keystore
        $endpoint = [FilFil.DealClient.Ethereum.EthereumEndpoint]::new([uri]$d.RpcUrl)
        $acct = [FilFil.DealClient.Ethereum.KeystoreAccount]::Load($p1.KeystorePath, $d.EvmCredential.Password, 31337)
        $fn = [FilFil.DealClient.Messages.RegisterFunction]@{ MinerId = 1001; RetrievalUrl = 'http://127.0.0.1:1/piece'; AmountToSend = [Numerics.BigInteger]::Pow(10, 19) }
        $hash = $endpoint.SendAsync($acct, $d.Contract, $fn, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $receipt = $endpoint.WaitForReceiptAsync($hash, $null, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $receipt.Status.Value | Should -Be 1
        (Invoke-Rpc $d.RpcUrl 'eth_call' @(@{ to = $d.Contract; data = (Get-Selector 'activeProviders()') }, 'latest')).result |
            Should -Be ('0x' + '1'.PadLeft(64, '0'))
    }

    It 'mines EVM blocks with Step-FilFilDevnet -EvmBlocks' {
        $before = $d.EvmBlock
        $height = $d.Height
        $d | Step-FilFilDevnet -EvmBlocks 300 | Should -Be $d
        $d.EvmBlock | Should -Be ($before + 300)
        [Convert]::ToUInt64((Invoke-Rpc $d.RpcUrl 'eth_blockNumber').result.Substring(2), 16) | Should -Be ($before + 300)
        $d.Height | Should -Be $height
    }

    It 'refuses eth_subscribe with a clear error (subscriptions are not forwarded)' {
        $r = Invoke-WsRpc $d.Endpoint 'eth_subscribe' @('newHeads')
        $r.error.message | Should -Match 'eth_getLogs'
    }

    It 'stops anvil with the devnet and deletes the test keystores' {
        $e = $d
        $anvilPort = ([uri]$e.AnvilUrl).Port
        $processId = $e.Evm.ProcessId
        $keystore = $e.EvmAccounts[0].KeystorePath
        Test-Port $anvilPort | Should -BeTrue
        $e | Stop-FilFilDevnet
        $e.Running | Should -BeFalse
        $e.Evm.Running | Should -BeFalse
        Get-Process -Id $processId -ErrorAction SilentlyContinue | Where-Object { -not $_.HasExited } | Should -BeNullOrEmpty
        Test-Port $anvilPort | Should -BeFalse
        $keystore | Should -Not -Exist
    }
}

Describe 'Start-FilFilDevnet -Evm without the toolchain' {
    BeforeEach { $script:saved = $env:FILFIL_ANVIL; $script:savedPath = $env:PATH }
    AfterEach { $env:FILFIL_ANVIL = $saved; $env:PATH = $savedPath }

    It 'names what to install and the command to run when anvil is missing, and starts nothing' {
        $env:FILFIL_ANVIL = Join-Path ([IO.Path]::GetTempPath()) 'no-such-dir' 'anvil'
        $before = @(Get-FilFilDevnet).Count
        $err = $null
        Start-FilFilDevnet -Evm -StateBlocks 64 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'EvmToolchainMissing,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike '*anvil was not found at*no-such-dir*Node.js*npm ci*FILFIL_ANVIL*'
        @(Get-FilFilDevnet).Count | Should -Be $before
    }

    It 'names Node.js when the npm launcher cannot run' {
        $env:FILFIL_ANVIL = $null
        $env:PATH = Join-Path ([IO.Path]::GetTempPath()) 'no-such-dir'
        { Start-FilFilDevnet -Evm -StateBlocks 64 -ErrorAction Stop } | Should -Throw '*runs on Node.js, which is not on PATH*install Node.js*'
    }

    It 'refuses an unknown contract parameter before starting anything' {
        $before = @(Get-FilFilDevnet).Count
        { Start-FilFilDevnet -Evm -StateBlocks 64 -ContractParameter @{ Windw = 5 } -ErrorAction Stop } |
            Should -Throw "*unknown contract parameter 'Windw'*WINDOW*"
        @(Get-FilFilDevnet).Count | Should -Be $before
    }

    It 'refuses -EvmProviders without -Evm' {
        { Start-FilFilDevnet -StateBlocks 64 -EvmProviders 2 -ErrorAction Stop } | Should -Throw '*need -Evm*'
    }
}
