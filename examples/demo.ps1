# FilFil end to end on the embedded devnet: start a Lotus-compatible chain, follow it in memory, take a snapshot while
# it keeps moving, verify it, print its piece CIDs and the timings, and stop everything this script started.
# The snapshot (about 20 MB) goes to a new folder in the temp directory, deleted at the end unless -Keep is given
# (an -OutDir that already exists is never deleted).
#   dotnet run --project src/FilFil.Cli -- -File examples/demo.ps1 [-Keep]
#   dotnet pwsh -File examples/demo.ps1 [-Keep]        (imports ./FilFil.psd1 unless FilFil is loaded)
param(
    [int] $Epochs = 120,
    [int] $StateBlocks = 20000,
    [int] $RecentStateRoots = 100,
    [string] $OutDir = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "filfil-demo-$PID"),
    [switch] $Keep
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Command New-FilFilSnapshot -ErrorAction SilentlyContinue)) {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'FilFil.psd1'))
}
$OutDir = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutDir)
$created = -not [System.IO.Directory]::Exists($OutDir)
[System.IO.Directory]::CreateDirectory($OutDir) | Out-Null
$previousHome = $env:FILFIL_HOME
$env:FILFIL_HOME = $OutDir
$clock = [System.Diagnostics.Stopwatch]::StartNew()
function Write-Step([string] $what) { "{0,8:N2} s  {1}" -f $clock.Elapsed.TotalSeconds, $what }

try {
    $devnet = Start-FilFilDevnet -Seed 1 -Epochs 20 -StateBlocks $StateBlocks -ReorgRate 0.05
    Write-Step "devnet at $($devnet.Endpoint), height $($devnet.Height), $($devnet.Blocks) blocks"

    $f = $devnet | Start-FilFilFollower -RecentStateRoots 900
    Write-Step "follower bootstrapped at height $($f.Height): $($f.Blocks) blocks in memory"

    $devnet | Step-FilFilDevnet -Epochs $Epochs | Out-Null
    $f = Wait-FilFilHeight -Height $devnet.Height -Timeout '0:5:0'
    Write-Step "followed $Epochs more epochs (reorgs included) to height $($f.Height); fetched $($f.BlocksFetched) blocks"

    $out = [System.IO.Path]::Combine($OutDir, "devnet-$($f.Height).car")
    $snap = New-FilFilSnapshot -Path $out -RecentStateRoots $RecentStateRoots
    Write-Step ("snapshot of height {0}: {1:N0} blocks, {2:N0} bytes in {3:N2} s (walk + write + commP)" -f $snap.Height, $snap.Blocks, $snap.Bytes, $snap.Seconds)

    $check = Test-FilFilSnapshot -Path $out
    Write-Step "verified: Ok=$($check.Ok), $($check.BlocksReached) blocks reached from the roots, first missing: $($check.FirstMissing)"
    if (-not $check.Ok) { throw "the snapshot failed verification" }

    foreach ($p in $snap.Pieces) {
        "piece  {0}" -f $p.Path
        "  v1   {0}" -f $p.PieceCidV1
        "  v2   {0}" -f $p.PieceCidV2
        "  size {0:N0} bytes payload, {1:N0} padded" -f $p.PayloadSize, $p.PaddedSize
    }
    $snap
}
finally {
    Stop-FilFilFollower
    if ($devnet) { $devnet | Stop-FilFilDevnet }
    $env:FILFIL_HOME = $previousHome
    if ($created -and -not $Keep) {
        [System.IO.Directory]::Delete($OutDir, $true)
        Write-Step "stopped the follower and the devnet; deleted $OutDir (-Keep keeps it)"
    }
    else {
        Write-Step "stopped the follower and the devnet; files are in $OutDir"
    }
}
