# One session owns the chain, its follower and the devnets: replacing the chain under a running follower is refused
# (or stops it with -Force), and dropping the chain waits for snapshots still being written from other runspaces.
BeforeAll {
    $manifest = [System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1')
    Import-Module $manifest
    $env:FILFIL_HOME = Join-Path $TestDrive 'home'
    $devnet = Start-FilFilDevnet -Seed 5 -Epochs 20 -StateBlocks 40000
    # the file the tests import (at the top level, so every Describe's TestDrive has it)
    $chain = Join-Path $TestDrive 'chain.car'
    $null = $devnet | Start-FilFilFollower -RecentStateRoots 900
    $null = New-FilFilSnapshot -Path $chain -RecentStateRoots 10
    Stop-FilFilFollower
}

AfterAll {
    Clear-FilFilEngine -Confirm:$false
    Stop-FilFilDevnet
    $env:FILFIL_HOME = $null
}

Describe 'Import-FilFilSnapshot while a follower runs' {
    BeforeAll {
        $null = $devnet | Start-FilFilFollower -RecentStateRoots 900
    }

    It 'is refused before any work, and the follower keeps following' {
        { Import-FilFilSnapshot -LiteralPath $chain -ErrorAction Stop } |
            Should -Throw -ErrorId 'FollowerRunning,FilFil.PowerShell.Commands.ImportFilFilSnapshotCommand'
        $null = $devnet | Step-FilFilDevnet -Epochs 2
        $w = Wait-FilFilHeight -Height $devnet.Height -Timeout '0:1:0'
        $w.Height | Should -Be $devnet.Height
        (Get-FilFilFollower).Running | Should -BeTrue
        (Get-FilFilFollower).Fault | Should -BeNullOrEmpty
    }

    It 'with -Force stops the follower first, then replaces the chain' {
        $status = Import-FilFilSnapshot -LiteralPath $chain -Force
        $status.Height | Should -Be 20
        # the follower was stopped and let go with the chain it followed
        Get-FilFilFollower -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        # the session now holds the imported chain: a snapshot of it is the file it came from
        $again = Join-Path $TestDrive 'again.car'
        $null = New-FilFilSnapshot -Path $again -RecentStateRoots 10
        (Get-FileHash -LiteralPath $again).Hash | Should -Be (Get-FileHash -LiteralPath $chain).Hash
    }
}

Describe 'Clear-FilFilEngine while a thread job writes snapshots' {
    It 'waits for the running walk instead of freeing memory under it (the process used to die)' {
        $null = Import-FilFilSnapshot -LiteralPath $chain -Force
        $out = Join-Path $TestDrive 'jobs'
        $null = New-Item -ItemType Directory -Path $out
        $job = Start-ThreadJob -ArgumentList $manifest, $out -ScriptBlock {
            param($manifest, $out)
            Import-Module $manifest
            $results = [System.Collections.Generic.List[object]]::new()
            foreach ($i in 1..200) {
                try { $results.Add((New-FilFilSnapshot -Path (Join-Path $out "s$i.car") -RecentStateRoots 10 -ErrorAction Stop)) }
                catch { $results.Add($_.FullyQualifiedErrorId); break }
            }
            $results
        }
        # let the job get going: its first snapshot is on disk
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path -LiteralPath (Join-Path $out 's1.car')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        Clear-FilFilEngine -Confirm:$false
        $results = Receive-Job -Job $job -Wait
        Remove-Job -Job $job
        # every snapshot written is complete; the one after the clear is refused with a clear error
        $records = @($results | Where-Object { $_ -is [FilFil.Core.Snapshot.SnapshotRecord] })
        $records.Count | Should -BeGreaterThan 0
        $results[-1] | Should -BeOfType [string]
        $results[-1] | Should -Match '^(InvalidOperation|ObjectDisposed),'
        foreach ($r in $records) {
            (Get-FileHash -LiteralPath $r.Paths[0]).Hash | Should -Be (Get-FileHash -LiteralPath $chain).Hash
        }
        { New-FilFilSnapshot -Path (Join-Path $TestDrive 'none.car') -ErrorAction Stop } | Should -Throw '*no chain is loaded*'
    }
}

Describe 'New-FilFilSnapshot when the catalog cannot be updated' {
    It 'still outputs the record with its piece CID, and reports the catalog as a separate error' {
        $null = Import-FilFilSnapshot -LiteralPath $chain -Force
        $home2 = Join-Path $TestDrive 'home2'
        # the catalog's path is a folder: checked fine before the walk, not replaceable after it
        $null = New-Item -ItemType Directory -Path (Join-Path $home2 'catalog.json') -Force
        $saved = $env:FILFIL_HOME
        try {
            $env:FILFIL_HOME = $home2
            $out = Join-Path $TestDrive 'catalog-fails.car'
            $err = $null
            $r = New-FilFilSnapshot -Path $out -RecentStateRoots 10 -ErrorVariable err -ErrorAction SilentlyContinue
        }
        finally { $env:FILFIL_HOME = $saved }
        $r | Should -BeOfType FilFil.Core.Snapshot.SnapshotRecord
        $r.Pieces[0].PieceCidV1 | Should -Be (Get-FilFilPieceCid -LiteralPath $out).PieceCidV1
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'CatalogNotUpdated,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand'
        $err[0].CategoryInfo.Category | Should -Be 'WriteError'
    }
}
