# Processes sharing FILFIL_HOME each add their snapshots to the one catalog. Three processes, 20 snapshots each, used
# to leave 54 entries for 60 files: each rewrote the catalog from what it had read, dropping what another process
# added meanwhile. The catalog is now updated under an exclusive lock file (catalog.json.lock).
BeforeAll {
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
    $manifest = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
    Import-Module $manifest
    $env:FILFIL_HOME = Join-Path $TestDrive 'setup-home'
    $devnet = Start-FilFilDevnet -Seed 15 -Epochs 6 -StateBlocks 64
    $chain = Join-Path $TestDrive 'chain.car'
    $null = $devnet | Start-FilFilFollower -RecentStateRoots 900
    $null = New-FilFilSnapshot -Path $chain -RecentStateRoots 2
    Stop-FilFilFollower
    Stop-FilFilDevnet
    $env:FILFIL_HOME = $null
}

AfterAll {
    Clear-FilFilEngine -Confirm:$false
}

Describe 'Snapshots from concurrent processes sharing FILFIL_HOME' {
    It 'three processes writing 20 snapshots each leave 60 files and 60 catalog entries' {
        $home15 = Join-Path $TestDrive 'home'
        $out = Join-Path $TestDrive 'out'
        $null = New-Item -ItemType Directory -Path $home15, $out
        # an operator's catalog that already holds entries: reading and rewriting it takes a while, as in real use
        $old = foreach ($i in 1..300) {
            [ordered]@{ Height = $i; TipSetKey = @("old$i"); Paths = @("/gone/old$i.car"); Format = 'Lotus'; Created = '2026-01-01T00:00:00Z' }
        }
        ConvertTo-Json -InputObject @($old) -Depth 5 | Set-Content -LiteralPath (Join-Path $home15 'catalog.json')
        $script = {
            param($manifest, $chain, $out, $name)
            $ErrorActionPreference = 'Stop'
            Import-Module $manifest
            $null = Import-FilFilSnapshot -LiteralPath $chain
            foreach ($i in 1..20) { $null = New-FilFilSnapshot -Path (Join-Path $out "$name-$i.car") -RecentStateRoots 2 }
        }
        $children = foreach ($name in 'a', 'b', 'c') {
            Start-ChildPwsh -ArgumentList '-Command', "& { $script } '$manifest' '$chain' '$out' '$name'" -Environment @{ FILFIL_HOME = $home15 }
        }
        foreach ($child in $children) {
            $run = Wait-ChildPwsh -Process $child
            $run.ExitCode | Should -Be 0 -Because $run.Log
        }
        $files = @(Get-ChildItem -LiteralPath $out -Filter '*.car')
        $files.Count | Should -Be 60
        $env:FILFIL_HOME = $home15
        try { $entries = @(Get-FilFilSnapshot) } finally { $env:FILFIL_HOME = $null }
        $entries.Count | Should -Be 360
        $ours = @($entries | Where-Object { $_.Paths[0] -like "$out*" })
        $ours.Count | Should -Be 60
        @($ours.Paths | Sort-Object -Unique).Count | Should -Be 60
        # and no temporary catalog file is left behind
        @(Get-ChildItem -LiteralPath $home15 -Filter '*.tmp-*').Count | Should -Be 0
    }
}
