# Helper for acceptance files that need the contract on a real EVM (dot-source it in BeforeAll): anvil from the
# contracts' npm toolchain on 127.0.0.1 (a free port) with FilFilDealClient deployed by script/Deploy.s.sol and the
# actor stand-ins (FILFIL_ANVIL_MOCKS=true), as tests/FilFil.DealClient.Tests/AnvilFixture.cs does. Stop it with
# Stop-TestAnvil in AfterAll. Until `Start-FilFilDevnet -Evm` exists this is how the deal-client tests get an EVM.

# the module's own Nethereum (bin/) builds the test keystores
Add-Type -LiteralPath ([System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' 'bin' 'Nethereum.KeyStore.dll')))

# anvil's default accounts (mnemonic "test test ... junk"): #0 deploys and owns the contract, the others are users.
$script:AnvilKeys = @(
    '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
    '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
    '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
    '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'
)
$script:AnvilAddresses = @(
    '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
    '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
    '0x90F79bf6EB2c4f870365E51323D7e87eE3e5FA8A'
)

function Start-TestAnvil {
    # Starts anvil and deploys the contract; returns Url, Contract and the anvil process. Extra FILFIL_* deploy
    # settings (e.g. @{ FILFIL_TIMELOCK = '0' }) go to the forge script's environment.
    param([hashtable] $DeployEnvironment = @{})
    $contracts = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' 'contracts'))
    $bin = Join-Path $contracts 'node_modules' '.bin'
    foreach ($tool in 'anvil', 'forge') {
        if (-not (Test-Path -LiteralPath (Join-Path $bin $tool))) { throw "$(Join-Path $bin $tool) is missing: run npm ci in $contracts" }
    }
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $bin 'anvil'))
    foreach ($a in '--host', '127.0.0.1', '--port', "$port", '--silent') { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    $url = "http://127.0.0.1:$port"
    try {
        $until = [DateTime]::UtcNow.AddSeconds(30)
        while ($true) {
            if ($process.HasExited) { throw "anvil exited ($($process.ExitCode)): $($process.StandardError.ReadToEnd())" }
            try { $c = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port); $c.Dispose(); break }
            catch { if ([DateTime]::UtcNow -gt $until) { throw "anvil did not listen on 127.0.0.1:$port within 30 s" }; Start-Sleep -Milliseconds 100 }
        }
        $deploy = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $bin 'forge'))
        foreach ($a in 'script', 'script/Deploy.s.sol', '--rpc-url', $url, '--broadcast', '--non-interactive') { $deploy.ArgumentList.Add($a) }
        $deploy.WorkingDirectory = $contracts
        $deploy.RedirectStandardOutput = $true
        $deploy.RedirectStandardError = $true
        $deploy.Environment['FILFIL_ANVIL_MOCKS'] = 'true'
        foreach ($k in $DeployEnvironment.Keys) { $deploy.Environment[$k] = $DeployEnvironment[$k] }
        $forge = [System.Diagnostics.Process]::Start($deploy)
        $stderr = $forge.StandardError.ReadToEndAsync()
        $output = $forge.StandardOutput.ReadToEnd()
        $forge.WaitForExit()
        if ($forge.ExitCode -ne 0 -or $output -notmatch 'FilFilDealClient deployed at (0x[0-9a-fA-F]{40})') {
            throw "forge script Deploy.s.sol failed (exit $($forge.ExitCode)):`n$output`n$($stderr.Result)"
        }
        [pscustomobject]@{ Url = $url; Contract = $Matches[1]; Process = $process; Port = $port }
    }
    catch {
        $process.Kill($true)
        $process.WaitForExit()
        throw
    }
}

function Stop-TestAnvil {
    param($Anvil)
    if ($Anvil -and -not $Anvil.Process.HasExited) {
        $Anvil.Process.Kill($true)
        $null = $Anvil.Process.WaitForExit(5000)
    }
}

function Invoke-TestRpc {
    # One JSON-RPC call to anvil (eth_getBalance, anvil_mine, eth_sendTransaction from an unlocked account ...); returns result.
    param([Parameter(Mandatory)] $Anvil, [Parameter(Mandatory)] [string] $Method, [object[]] $Params = @())
    $body = @{ jsonrpc = '2.0'; id = 1; method = $Method; params = $Params } | ConvertTo-Json -Depth 10 -Compress
    $r = Invoke-RestMethod -Uri $Anvil.Url -Method Post -ContentType 'application/json' -Body $body
    if ($r.error) { throw "$Method failed: $($r.error.message)" }
    $r.result
}

function New-TestKeystore {
    # An Ethereum v3 keystore (scrypt, light parameters for speed) of anvil account $Index, written to $Path.
    param([Parameter(Mandatory)] [int] $Index, [Parameter(Mandatory)] [string] $Password, [Parameter(Mandatory)] [string] $Path)
    $key = [Convert]::FromHexString($script:AnvilKeys[$Index].Substring(2))
    $scrypt = [Nethereum.KeyStore.KeyStoreScryptService]::new()
    $params = [Nethereum.KeyStore.Model.ScryptParams]@{ N = 4096; R = 8; P = 1; Dklen = 32 }
    $json = $scrypt.EncryptAndGenerateKeyStoreAsJson($Password, $key, $script:AnvilAddresses[$Index], $params)
    Set-Content -LiteralPath $Path -Value $json -NoNewline
    $Path
}

function Get-TestBalance {
    param([Parameter(Mandatory)] $Anvil, [Parameter(Mandatory)] [string] $Address)
    [System.Numerics.BigInteger]::Parse('0' + (Invoke-TestRpc $Anvil eth_getBalance @($Address, 'latest')).Substring(2), 'AllowHexSpecifier')
}
