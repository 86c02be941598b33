<#
.SYNOPSIS
    The paid half end to end on Start-FilFilDevnet -Evm: snapshot, publish, register, deal (Boost and Curio), claim,
    poke a terminated deal, and the same poke as an -Unsigned transaction sent by another account.
.DESCRIPTION
    Runs with `dotnet run --project src/FilFil.Cli -- -File examples/paid-half.ps1` (or ./examples/paid-half.ps1 in a
    session). Needs `npm ci` in contracts/ (anvil and forge) and `dotnet build FilFil.sln -c Release` (the Boost and
    Curio stand-ins are loaded from tests/FilFil.TestPeers/bin/Release). The contract is deployed with one replica per
    slot, 30-epoch windows and a 20-epoch start delay so that the scenario mines only a few hundred blocks.
    Every step checks what it claims and throws otherwise; the last output is a summary object
    (FilFil.Example.PaidHalf) that tests/acceptance/PaidHalf.Tests.ps1 inspects. Everything it started is stopped and
    its folder deleted at the end (-Keep keeps the folder).
#>
param(
    [string] $OutDir = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "filfil-paid-half-$PID"),
    [switch] $Keep
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Command Submit-FilFilDeal -ErrorAction SilentlyContinue)) {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'FilFil.psd1'))
}
$peers = [System.IO.Path]::Combine($PSScriptRoot, '..', 'tests', 'FilFil.TestPeers', 'bin', 'Release', 'net8.0', 'FilFil.TestPeers.dll')
if (-not [System.IO.File]::Exists($peers)) { throw "the Boost and Curio stand-ins are not built ($peers): run dotnet build FilFil.sln -c Release" }
Add-Type -LiteralPath $peers

$OutDir = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutDir)
$created = -not [System.IO.Directory]::Exists($OutDir)
[System.IO.Directory]::CreateDirectory($OutDir) | Out-Null
$saved = @{ FILFIL_HOME = $env:FILFIL_HOME; FILFIL_CONFIG = $env:FILFIL_CONFIG }
$env:FILFIL_HOME = $OutDir
$env:FILFIL_CONFIG = [System.IO.Path]::Combine($OutDir, 'config.json')   # the devnet's settings, not the user's
$clock = [System.Diagnostics.Stopwatch]::StartNew()
function Write-Step([string] $what) { "{0,8:N2} s  {1}" -f $clock.Elapsed.TotalSeconds, $what }
$none = [System.Threading.CancellationToken]::None
function Wait-Task($task) { $task.GetAwaiter().GetResult() }

$boost = $null; $curio = $null; $devnet = $null
try {
    # --- the devnet: Filecoin.* and eth_* on one /rpc/v1, FilFilDealClient on anvil, two providers' miners
    $devnet = Start-FilFilDevnet -Evm -Epochs 5 -StateBlocks 64 -EvmProviders 2 -ContractParameter @{ Window = 30; StartDelay = 20; Replicas = 1; RewardPerSnapshot = '100000000000000000000' }
    $cred = $devnet.EvmCredential
    $operator, $p1, $p2, $user = foreach ($n in 'Operator', 'Provider1', 'Provider2', 'User') { $devnet.EvmAccounts | Where-Object Name -EQ $n }
    $endpoint = [FilFil.DealClient.Ethereum.EthereumEndpoint]::new([uri]$devnet.RpcUrl)
    function Get-Account($a) { [FilFil.DealClient.Ethereum.KeystoreAccount]::Load($a.KeystorePath, $cred.Password, $devnet.ChainId) }
    function Get-Balance([string] $address) { (Wait-Task $endpoint.Web3.Eth.GetBalance.SendRequestAsync($address)).Value }
    function Get-Nonce([string] $address) { Wait-Task $endpoint.GetNonceAsync($address, $none) }
    function Wait-Outcome($executor, [scriptblock] $match) {
        $until = [DateTime]::UtcNow.AddMinutes(2)
        while ([DateTime]::UtcNow -lt $until) {
            $o = $executor.Outcomes | Where-Object $match | Select-Object -First 1
            if ($o) { return $o }
            Start-Sleep -Milliseconds 200
        }
        throw "the provider's deal software recorded no outcome within 2 minutes"
    }
    $as = @{ Credential = $cred; Confirm = $false }
    Write-Step "devnet at $($devnet.RpcUrl), contract $($devnet.Contract), EVM block $($devnet.EvmBlock)"

    # --- the operator's snapshots of the devnet chain (two heights: one slot per provider with one replica a slot)
    $null = $devnet | Start-FilFilFollower -RecentStateRoots 900
    $snaps = foreach ($i in 1, 2) {
        if ($i -gt 1) { $devnet | Step-FilFilDevnet -Epochs 2 | Out-Null; $null = Wait-FilFilHeight -Height $devnet.Height -Timeout '0:2:0' }
        New-FilFilSnapshot -Path ([System.IO.Path]::Combine($OutDir, "devnet-$i.car")) -RecentStateRoots 4
    }
    foreach ($s in $snaps) { Write-Step ("snapshot of height {0}: {1:N0} bytes, piece {2}" -f $s.Height, $s.Bytes, $s.Pieces[0].PieceCidV1) }

    # --- FilFil's HTTP server serves the snapshots' CARs at /piece/{cid}
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    $null = Start-FilFilServer -Prefix "http://127.0.0.1:$port/"
    Write-Step "FilFil server on http://127.0.0.1:$port/"

    # --- the pool is funded, two providers register
    $null = Add-FilFilReward -Amount '300 FIL' -KeystorePath $operator.KeystorePath @as
    foreach ($p in $p1, $p2) {
        $r = Register-FilFilProvider -Miner $p.MinerId -RetrievalUrl "http://127.0.0.1:$port/piece/" -KeystorePath $p.KeystorePath @as
        Write-Step "registered f0$($p.MinerId) (controller $($p.Address)): $($r.Status)"
    }

    # --- the operator publishes the first snapshot's piece CIDs; one provider's window opens
    $pub1 = $snaps[0] | Publish-FilFilCommP -KeystorePath $operator.KeystorePath @as
    $open, $other = @($p1, $p2) | Sort-Object { (Get-FilFilWindow -Miner $_.MinerId).State -ne 'Open' }
    $w = Get-FilFilWindow -Miner $open.MinerId
    if ($w.State -ne 'Open' -or $w.Slot -ne $snaps[0].Height) { throw "no open window on slot $($snaps[0].Height) after publishing" }
    Write-Step "published slot $($snaps[0].Height) ($($pub1.Status)); f0$($open.MinerId)'s window is open, epochs $($w.FirstEpoch)..$($w.LastEpoch)"

    # --- the other provider has no open window: refused, nothing sent
    $balance = Get-Balance $other.Address; $nonce = Get-Nonce $other.Address
    $refusal = $null
    Get-FilFilWindow -Miner $other.MinerId | Submit-FilFilDeal -KeystorePath $other.KeystorePath @as -ErrorVariable refusal -ErrorAction SilentlyContinue | Out-Null
    if (-not $refusal) { throw "Submit-FilFilDeal did not refuse f0$($other.MinerId), whose window is not open" }
    $refused = [pscustomobject]@{
        ErrorId = $refusal[0].FullyQualifiedErrorId; Message = "$($refusal[0])"
        BalanceUnchanged = (Get-Balance $other.Address) -eq $balance; NonceUnchanged = (Get-Nonce $other.Address) -eq $nonce
    }
    if (-not ($refused.BalanceUnchanged -and $refused.NonceUnchanged)) { throw "the refused submission spent gas" }
    Write-Step "f0$($other.MinerId) refused: $($refused.Message)"

    # --- Boost: the provider's Boost watches the contract, pulls the CAR from FilFil's server, checks commP, publishes
    $boostExecutor = [FilFil.TestPeers.DealExecutor]::new($endpoint, (Get-Account $open), [uint64]$open.MinerId, $null)
    $boost = [FilFil.TestPeers.BoostContractDealMonitor]::new($endpoint, $boostExecutor, [string[]]@($devnet.Contract))
    $null = Wait-Task $boost.StartAsync($none)
    $boostSubmission = Get-FilFilWindow -Miner $open.MinerId | Submit-FilFilDeal -Backend Boost -KeystorePath $open.KeystorePath @as
    $boostOutcome = Wait-Outcome $boostExecutor { $_.ProposalId -eq $boostSubmission.ProposalId }
    if (-not $boostOutcome.Published) { throw "Boost refused the deal: $($boostOutcome.Reason)" }
    $boostDeal = Get-FilFilDeal -Slot $snaps[0].Height -Miner $open.MinerId
    Write-Step "Boost published deal $($boostDeal.DealId) for f0$($open.MinerId) (piece $($boostOutcome.PieceCid)): $($boostDeal.State)"

    # --- Curio: the second snapshot opens the other provider's window; Submit-FilFilDeal posts the MK12 deal
    $curioExecutor = [FilFil.TestPeers.DealExecutor]::new($endpoint, (Get-Account $other), [uint64]$other.MinerId, $null)
    $curio = [FilFil.TestPeers.CurioMarketPeer]::new($endpoint, $curioExecutor)
    $curio.Start()
    $null = $snaps[1] | Publish-FilFilCommP -KeystorePath $operator.KeystorePath @as
    $curioSubmission = Get-FilFilWindow -Miner $other.MinerId | Submit-FilFilDeal -Backend Curio -DealEndpoint $curio.BaseUrl -KeystorePath $other.KeystorePath @as
    if (-not $curioSubmission.Accepted) { throw "Curio did not accept the deal: $($curioSubmission.Message)" }
    $curioOutcome = Wait-Outcome $curioExecutor { $_.ProposalId -eq "$($curioSubmission.DealUuid)" }
    if (-not $curioOutcome.Published) { throw "Curio refused the deal: $($curioOutcome.Reason)" }
    $curioDeal = Get-FilFilDeal -Slot $snaps[1].Height -Miner $other.MinerId
    Write-Step "Curio published deal $($curioDeal.DealId) for f0$($other.MinerId): $($curioDeal.State)"
    $slots = Get-FilFilSlot -Height $snaps[0].Height, $snaps[1].Height

    # --- the sectors are proven at the deals' start; blocks advance and rewards vest
    $startBy = [Math]::Max($boostDeal.StartEpoch, $curioDeal.StartEpoch)
    $devnet | Step-FilFilDevnet -EvmBlocks ([Math]::Max(1, $startBy - [long]$devnet.EvmBlock + 1)) | Out-Null
    # the market actor's side of the chain (f05 when a sector is proven or a deal slashed), driven on its stand-in
    $market = Get-Account $operator
    foreach ($deal in $boostDeal, $curioDeal) { $null = Wait-Task ([FilFil.TestPeers.MarketDriver]::ActivateAsync($endpoint, $market, $deal.DealId, $deal.StartEpoch, $none)) }
    $devnet | Step-FilFilDevnet -EvmBlocks 100 | Out-Null
    $proven = Get-FilFilDeal -DealId $boostDeal.DealId
    Write-Step ("EVM block {0}: deal {1} started at epoch {2}, sector proven; the contract sees it at the next claim or poke" -f $devnet.EvmBlock, $proven.DealId, $proven.StartEpoch)
    $before = Get-Balance $open.Address
    $claim = Receive-FilFilReward -DealId $boostDeal.DealId -KeystorePath $open.KeystorePath @as
    $after = Get-Balance $open.Address
    if ($after -le $before) { throw "the claim did not pay the controller" }
    Write-Step "claimed deal $($boostDeal.DealId): the controller's balance rose by $($after - $before) attoFIL"

    # --- the market slashes the Boost deal; a keeper (the User account) pokes it: forfeit, provider deregistered
    $null = Wait-Task ([FilFil.TestPeers.MarketDriver]::TerminateAsync($endpoint, $market, $boostDeal.DealId, $none))
    $poke = Invoke-FilFilPoke -DealId $boostDeal.DealId -KeystorePath $user.KeystorePath @as
    $poked = Get-FilFilDeal -DealId $boostDeal.DealId
    $pokedProvider = Get-FilFilProvider -Miner $open.MinerId
    Write-Step "poked deal $($boostDeal.DealId): $($poked.State), forfeited $($poked.Forfeited); f0$($open.MinerId) is $($pokedProvider.Status)"

    # --- the same for the Curio deal, as an unsigned transaction that another account sends
    $null = Wait-Task ([FilFil.TestPeers.MarketDriver]::TerminateAsync($endpoint, $market, $curioDeal.DealId, $none))
    $unsigned = Invoke-FilFilPoke -DealId $curioDeal.DealId -Unsigned
    $hash = Wait-Task $endpoint.SendAsync((Get-Account $user), $unsigned.ToTransactionInput(), $none)
    $receipt = Wait-Task $endpoint.WaitForReceiptAsync($hash, $null, $none)
    $unsignedDeal = Get-FilFilDeal -DealId $curioDeal.DealId
    $unsignedProvider = Get-FilFilProvider -Miner $other.MinerId
    Write-Step "the unsigned poke of deal $($curioDeal.DealId), sent by $($user.Address): $($unsignedDeal.State); f0$($other.MinerId) is $($unsignedProvider.Status)"

    [pscustomobject]@{
        PSTypeName = 'FilFil.Example.PaidHalf'
        Snapshots = $snaps; Published = $pub1; OpenMiner = [uint64]$open.MinerId; OtherMiner = [uint64]$other.MinerId
        Refused = $refused
        BoostSubmission = $boostSubmission; BoostOutcome = $boostOutcome; BoostDeal = $boostDeal
        CurioSubmission = $curioSubmission; CurioOutcome = $curioOutcome; CurioDeal = $curioDeal; Slots = $slots
        Proven = $proven; Claim = $claim; BalanceBefore = $before; BalanceAfter = $after
        Poke = $poke; Poked = $poked; PokedProvider = $pokedProvider
        Unsigned = $unsigned; UnsignedReceiptStatus = [int]$receipt.Status.Value; UnsignedDeal = $unsignedDeal; UnsignedProvider = $unsignedProvider
        UnsignedSender = $user.Address
    }
}
finally {
    if ($boost) { $null = $boost.DisposeAsync().AsTask().GetAwaiter().GetResult() }
    if ($curio) { $null = $curio.DisposeAsync().AsTask().GetAwaiter().GetResult() }
    Stop-FilFilServer -ErrorAction SilentlyContinue | Out-Null
    Stop-FilFilFollower -ErrorAction SilentlyContinue
    if ($devnet) { $devnet | Stop-FilFilDevnet }
    foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    if ($created -and -not $Keep) {
        [System.IO.Directory]::Delete($OutDir, $true)
        Write-Step "stopped the deal software, the server, the follower and the devnet; deleted $OutDir (-Keep keeps it)"
    }
    else {
        Write-Step "stopped the deal software, the server, the follower and the devnet; files are in $OutDir"
    }
}
