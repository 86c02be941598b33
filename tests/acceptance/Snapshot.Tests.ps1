# Import-FilFilSnapshot / New-FilFilSnapshot / Test-FilFilSnapshot / Get-FilFilSnapshot on real mainnet data:
# the chain4 export (heights 0-3) is exactly what Lotus writes with N=0 and messages kept, so ours must match it byte for byte.
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
    $fixtures = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'fixtures', 'filecoin'))
    $chain4 = [System.IO.Path]::Combine($fixtures, 'mainnet-chain4-h0-3.car')
    $env:FILFIL_HOME = [System.IO.Path]::Combine($TestDrive, 'home')
}

AfterAll {
    $env:FILFIL_HOME = $null
}

Describe 'Snapshots from an imported chain' {
    BeforeAll {
        $status = Import-FilFilSnapshot -Path $chain4
    }

    It 'imports the chain4 export with its head at height 3' {
        $status | Should -BeOfType FilFil.PowerShell.EngineStatus
        $status.Height | Should -Be 3
        $status.HeadTipSet | Should -Be @('bafy2bzacedjrqan2fwfvhfopi64yickki7miiksecglpeiavf7xueytnzevlu')
        $status.Blocks | Should -BeGreaterThan 1000
    }

    It 'writes a snapshot byte-identical to the Lotus export (N=0, messages kept) with its piece CID' {
        $out = [System.IO.Path]::Combine($TestDrive, 'h3.car')
        $s = New-FilFilSnapshot -Path $out -RecentStateRoots 0
        $s | Should -BeOfType FilFil.Core.Snapshot.SnapshotRecord
        $s.Height | Should -Be 3
        $s.Paths | Should -Be @($out)
        $s.Blocks | Should -Be 1222
        [System.Linq.Enumerable]::SequenceEqual([System.IO.File]::ReadAllBytes($out), [System.IO.File]::ReadAllBytes($chain4)) | Should -BeTrue
        $s.Pieces | Should -HaveCount 1
        $s.Pieces[0].PieceCidV1 | Should -Be (Get-FilFilPieceCid $chain4).PieceCidV1
        $s.Pieces[0].PaddedSize | Should -Be 2097152
    }

    It 'verifies what it wrote and lists it in the catalog' {
        $out = [System.IO.Path]::Combine($TestDrive, 'h3.car')
        $t = Test-FilFilSnapshot -Path $out
        $t | Should -BeOfType FilFil.PowerShell.SnapshotTestResult
        $t.Ok | Should -BeTrue
        $t.HeadHeight | Should -Be 3
        $t.FirstMissing | Should -BeNullOrEmpty
        $listed = Get-FilFilSnapshot -Height 3
        ($listed | Where-Object { $_.Paths[0] -eq $out }) | Should -HaveCount 1
    }

    It 'writes FRC-0108 v2 and zstd files that Test-FilFilCar reads back' {
        $v2 = [System.IO.Path]::Combine($TestDrive, 'h3-v2.car')
        $zst = [System.IO.Path]::Combine($TestDrive, 'h3.car.zst')
        New-FilFilSnapshot -Path $v2 -Format V2 | Out-Null
        $z = New-FilFilSnapshot -Path $zst -Compress
        $z.Compressed | Should -BeTrue
        $z.Pieces | Should -HaveCount 0
        $c2 = Test-FilFilCar $v2
        $c2.Format | Should -Be 'FRC-0108 V2'
        $c2.HeadHeight | Should -Be 3
        $cz = Test-FilFilCar $zst
        $cz.Compressed | Should -BeTrue
        $cz.Blocks | Should -Be 1222
        $cz.Valid | Should -BeTrue
    }

    It 'snapshots an earlier height of the chain' {
        $out = [System.IO.Path]::Combine($TestDrive, 'h1.car')
        $s = New-FilFilSnapshot -Path $out -Height 1
        $s.Height | Should -Be 1
        (Test-FilFilSnapshot $out).Ok | Should -BeTrue
    }

    It 'refuses to overwrite an existing file and leaves it untouched' {
        $out = [System.IO.Path]::Combine($TestDrive, 'keep.car')
        [System.IO.File]::WriteAllText($out, 'precious')
        $err = $null
        New-FilFilSnapshot -Path $out -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].FullyQualifiedErrorId | Should -Be 'AlreadyExists,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand'
        [System.IO.File]::ReadAllText($out) | Should -Be 'precious'
    }

    It 'names no internal parameter in its errors (a height above the head)' {
        $err = $null
        New-FilFilSnapshot -Path (Join-Path $TestDrive 'too-high.car') -Height 1000000 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'the head is at height'
        "$err" | Should -Not -Match "Parameter '|Actual value"
    }

    It 'rejects a height above the head' {
        $err = $null
        New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'x.car')) -Height 99 -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        [System.IO.File]::Exists([System.IO.Path]::Combine($TestDrive, 'x.car')) | Should -BeFalse
    }
}
