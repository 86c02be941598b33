# New-FilFilSnapshot in a session that holds no chain (fil-fil take-snapshot in a fresh process): -Bootstrap imports a
# snapshot first, -Lotus follows a node until it has caught up, snapshots and stops the follower it started; both
# are refused when the session already holds a chain. The engine is shared by the whole process, so every block
# starts from an empty session with Clear-FilFilEngine.
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
    $fixtures = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'fixtures', 'filecoin'))
    $chain4 = [System.IO.Path]::Combine($fixtures, 'mainnet-chain4-h0-3.car')
    $env:FILFIL_HOME = [System.IO.Path]::Combine($TestDrive, 'home')
}

AfterAll {
    Clear-FilFilEngine
    $env:FILFIL_HOME = $null
}

Describe 'New-FilFilSnapshot -Bootstrap' {
    BeforeAll {
        Clear-FilFilEngine
    }

    It 'imports the snapshot into the empty session and writes it back byte-identical (N=0)' {
        $out = [System.IO.Path]::Combine($TestDrive, 'boot-h3.car')
        $s = New-FilFilSnapshot -Path $out -Bootstrap $chain4 -RecentStateRoots 0
        $s | Should -BeOfType FilFil.Core.Snapshot.SnapshotRecord
        $s.Height | Should -Be 3
        $s.Blocks | Should -Be 1222
        # compared in .NET: piping 1.1 million bytes through Should takes about a minute
        [System.Linq.Enumerable]::SequenceEqual([System.IO.File]::ReadAllBytes($out), [System.IO.File]::ReadAllBytes($chain4)) | Should -BeTrue
        $s.Pieces | Should -HaveCount 1
        $s.Pieces[0].PieceCidV1 | Should -Be (Get-FilFilPieceCid $chain4).PieceCidV1
    }

    It 'leaves the imported chain in the session, as Import-FilFilSnapshot does' {
        $out = [System.IO.Path]::Combine($TestDrive, 'boot-h1.car')
        $s = New-FilFilSnapshot -Path $out -Height 1
        $s.Height | Should -Be 1
        (Test-FilFilSnapshot $out).Ok | Should -BeTrue
    }

    It 'refuses -Bootstrap and -Lotus while the session holds a chain, and writes nothing' {
        $out = [System.IO.Path]::Combine($TestDrive, 'refused.car')
        $err = $null
        New-FilFilSnapshot -Path $out -Bootstrap $chain4 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].FullyQualifiedErrorId | Should -Match '^ChainAlreadyLoaded,FilFil\.PowerShell\.Commands\.NewFilFilSnapshotCommand$'
        $err[0].Exception.Message | Should -Match 'height 3'
        $err = $null
        New-FilFilSnapshot -Path $out -Lotus 'ws://127.0.0.1:9/rpc/v1' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        [System.IO.File]::Exists($out) | Should -BeFalse
    }

    It 'rejects -Token without -Lotus (a terminating error, nothing written)' {
        $out = [System.IO.Path]::Combine($TestDrive, 'token.car')
        { New-FilFilSnapshot -Path $out -Token 'x' -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'TokenWithoutLotus,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand'
        [System.IO.File]::Exists($out) | Should -BeFalse
    }

    It 'Clear-FilFilEngine empties the session: a snapshot then needs -Bootstrap or -Lotus' {
        Clear-FilFilEngine
        $out = [System.IO.Path]::Combine($TestDrive, 'nochain.car')
        $err = $null
        New-FilFilSnapshot -Path $out -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'no chain is loaded'
        $err[0].Exception.Message | Should -Match '-Bootstrap'
        [System.IO.File]::Exists($out) | Should -BeFalse
    }

    It 'reports a missing bootstrap file as ObjectNotFound and loads nothing' {
        $err = $null
        New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'missing.car')) -Bootstrap ([System.IO.Path]::Combine($TestDrive, 'no-such.car')) -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err = $null
        New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'missing.car')) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'no chain is loaded'
    }
}

Describe 'New-FilFilSnapshot -Lotus' {
    BeforeAll {
        Clear-FilFilEngine
        $devnet = Start-FilFilDevnet -Seed 31 -Epochs 25 -StateBlocks 256 -ReorgRate 0
    }

    AfterAll {
        Clear-FilFilEngine
        $devnet | Stop-FilFilDevnet
    }

    It 'follows the node to its head, snapshots it and stops the follower it started' {
        $out = [System.IO.Path]::Combine($TestDrive, 'lotus.car')
        $s = New-FilFilSnapshot -Path $out -Lotus $devnet.Endpoint -RecentStateRoots 10
        $s.Height | Should -Be $devnet.Height
        $s.TipSetKey | Should -Be $devnet.HeadTipSet
        $t = Test-FilFilSnapshot $out
        $t.Ok | Should -BeTrue
        $t.HeadHeight | Should -Be $devnet.Height
        (Get-FilFilPieceCid $out).PieceCidV1 | Should -Be $s.Pieces[0].PieceCidV1
        $f = Get-FilFilFollower -NoLag
        $f.Running | Should -BeFalse
        $f.Endpoint | Should -Be $devnet.Endpoint
        $f.Height | Should -Be $devnet.Height
        $devnet.Running | Should -BeTrue
    }

    It 'refuses -Lotus while a follower runs, and leaves that follower running' {
        Clear-FilFilEngine
        $devnet | Start-FilFilFollower -RecentStateRoots 900 | Out-Null
        $out = [System.IO.Path]::Combine($TestDrive, 'refused-lotus.car')
        $err = $null
        New-FilFilSnapshot -Path $out -Lotus $devnet.Endpoint -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'follower running'
        [System.IO.File]::Exists($out) | Should -BeFalse
        (Get-FilFilFollower -NoLag).Running | Should -BeTrue
    }

    It 'Clear-FilFilEngine stops the running follower and empties the session' {
        (Get-FilFilFollower -NoLag).Running | Should -BeTrue
        Clear-FilFilEngine
        $err = $null
        Get-FilFilFollower -NoLag -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err = $null
        New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'cleared.car')) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'no chain is loaded'
    }

    It 'bootstraps from an earlier snapshot, then catches up with the node' {
        $first = [System.IO.Path]::Combine($TestDrive, 'lotus.car')
        $firstHeight = (Test-FilFilSnapshot $first).HeadHeight
        $devnet | Step-FilFilDevnet -Epochs 5 | Out-Null
        Clear-FilFilEngine
        $out = [System.IO.Path]::Combine($TestDrive, 'caught-up.car')
        $s = New-FilFilSnapshot -Path $out -Bootstrap $first -Lotus $devnet.Endpoint -RecentStateRoots 10
        $s.Height | Should -Be $devnet.Height
        $s.Height | Should -BeGreaterThan $firstHeight
        $s.TipSetKey | Should -Be $devnet.HeadTipSet
        (Test-FilFilSnapshot $out).Ok | Should -BeTrue
        $f = Get-FilFilFollower -NoLag
        $f.Running | Should -BeFalse
        # the follower fetched only what the bootstrap snapshot lacked
        $f.BlocksFetched | Should -BeGreaterThan 0
        $f.BlocksFetched | Should -BeLessThan ($f.Blocks / 2)
    }

    It 'rejects -Compress with -PieceSize before connecting to anything' {
        Clear-FilFilEngine
        # nothing listens on port 9: a connection attempt would fail with ConnectionError instead
        { New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'both.car')) -Lotus 'ws://127.0.0.1:9/rpc/v1' -Compress -PieceSize 32GiB -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'CompressWithPieceSize,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand'
        Get-FilFilFollower -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'rejects an http:// endpoint (ChainNotify needs a WebSocket)' {
        Clear-FilFilEngine
        $err = $null
        New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'http.car')) -Lotus $devnet.HttpEndpoint -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'New-FilFilSnapshot -Lotus -Height on a moving chain' {
    BeforeAll {
        Clear-FilFilEngine
        $moving = Start-FilFilDevnet -Seed 33 -Epochs 10 -StateBlocks 128 -NullRoundRate 0 -ReorgRate 0 -EpochDuration '0:0:0.2' -Token 'sesame'
    }

    AfterAll {
        Clear-FilFilEngine
        $moving | Stop-FilFilDevnet
    }

    It 'follows (with the token) until the head reaches -Height, and snapshots that height' {
        $target = $moving.Height + 5
        $out = [System.IO.Path]::Combine($TestDrive, 'moving.car')
        $s = New-FilFilSnapshot -Path $out -Lotus $moving.Endpoint -Token 'sesame' -Height $target -RecentStateRoots 3
        $s.Height | Should -Be $target
        $moving.Height | Should -BeGreaterOrEqual $target
        (Test-FilFilSnapshot $out).Ok | Should -BeTrue
        (Get-FilFilFollower -NoLag).Running | Should -BeFalse
    }
}

Describe 'New-FilFilSnapshot of a chain missing a block' {
    BeforeAll {
        Clear-FilFilEngine
        # chain4 without its last block (a state block deep under the genesis state root): the CARv1 cut before that
        # section, so it is well-formed but the chain it holds is not complete
        $bytes = [System.IO.File]::ReadAllBytes($chain4)
        $reader = [FilFil.Core.Car.CarReader]::new([System.IO.MemoryStream]::new($bytes))
        $block = [FilFil.Core.Car.CarBlock]::new()
        while ($reader.TryRead([ref]$block)) { $lastOffset = $block.Offset; $lastCid = $block.Cid.ToString() }
        $reader.Dispose()
        $missingCar = [System.IO.Path]::Combine($TestDrive, 'missing-block.car')
        $f = [System.IO.File]::Create($missingCar)
        $f.Write($bytes, 0, $lastOffset)
        $f.Dispose()
    }

    AfterAll {
        Clear-FilFilEngine
    }

    It 'fails with ObjectNotFound, the missing CID as its target, and writes no file and no catalog entry' {
        $out = [System.IO.Path]::Combine($TestDrive, 'missing.car')
        $before = @(Get-FilFilSnapshot).Count
        $err = $null
        New-FilFilSnapshot -Path $out -Bootstrap $missingCar -RecentStateRoots 0 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].FullyQualifiedErrorId | Should -Match '^BlockUnavailable,FilFil\.PowerShell\.Commands\.NewFilFilSnapshotCommand$'
        $err[0].TargetObject | Should -Be $lastCid
        "$err" | Should -Match ([regex]::Escape($lastCid))
        "$err" | Should -Match ([regex]::Escape("$out was not written"))
        Get-ChildItem -LiteralPath $TestDrive -Filter 'missing.car*' | Should -BeNullOrEmpty
        @(Get-FilFilSnapshot).Count | Should -Be $before
        Get-ChildItem -LiteralPath $env:FILFIL_HOME -Filter '*.pending-*' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Start-FilFilFollower -Bootstrap of it fails with the missing CID as its target and the file in the message' {
        $err = $null
        # the import fails before any node is asked: nothing listens on this endpoint
        Start-FilFilFollower -Lotus 'ws://127.0.0.1:9/rpc/v1' -Bootstrap $missingCar -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].FullyQualifiedErrorId | Should -Match '^BlockUnavailable,FilFil\.PowerShell\.Commands\.StartFilFilFollowerCommand$'
        $err[0].TargetObject | Should -Be $lastCid
        "$err" | Should -Match ([regex]::Escape("importing $missingCar"))
        Get-FilFilFollower -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
    }
}

Describe 'New-FilFilSnapshot -Lotus of a node that keeps failing a block' {
    # it used to wait for ever: the follower's bootstrap failed on the block, reconnected and bootstrapped again
    BeforeAll {
        Clear-FilFilEngine
        $bad = Start-FilFilDevnet -Seed 35 -Epochs 5 -StateBlocks 128 -ReorgRate 0
        $stateRoot = $bad.Server.Chain.Head.Blocks[0].ParentStateRoot.ToString()
    }

    AfterAll {
        $bad.Server.Faults.Reset()
        Clear-FilFilEngine
        $bad | Stop-FilFilDevnet
    }

    It 'fails with InvalidData, the corrupt CID as its target, and writes no file and no catalog entry' {
        $bad.Server.Faults.CorruptBlock([FilFil.Core.Ipld.Cid]::Parse($stateRoot))
        $out = [System.IO.Path]::Combine($TestDrive, 'corrupt.car')
        $before = @(Get-FilFilSnapshot).Count
        $err = $null
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        New-FilFilSnapshot -Path $out -Lotus $bad.Endpoint -RecentStateRoots 3 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $sw.Elapsed.TotalMinutes | Should -BeLessThan 5 # generous: it takes seconds; before, it never returned
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].FullyQualifiedErrorId | Should -Match '^BlockCorrupt,FilFil\.PowerShell\.Commands\.NewFilFilSnapshotCommand$'
        $err[0].TargetObject | Should -Be $stateRoot
        "$err" | Should -Match ([regex]::Escape($stateRoot))
        "$err" | Should -Match 'corrupt'
        "$err" | Should -Match ([regex]::Escape("$out was not written"))
        Get-ChildItem -LiteralPath $TestDrive -Filter 'corrupt.car*' | Should -BeNullOrEmpty
        @(Get-FilFilSnapshot).Count | Should -Be $before
        # the follower it started is gone, and the session holds no chain
        Get-FilFilFollower -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
        $err = $null
        New-FilFilSnapshot -Path $out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'no chain is loaded'
    }

    It 'fails with ObjectNotFound, the CID as its target, when the node answers every read with an error' {
        $bad.Server.Faults.Reset()
        $bad.Server.Faults.ReadObjFailureRate = 1
        $out = [System.IO.Path]::Combine($TestDrive, 'refused.car')
        $err = $null
        New-FilFilSnapshot -Path $out -Lotus $bad.Endpoint -RecentStateRoots 3 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].FullyQualifiedErrorId | Should -Match '^BlockUnavailable,FilFil\.PowerShell\.Commands\.NewFilFilSnapshotCommand$'
        $err[0].TargetObject | Should -BeIn $bad.HeadTipSet
        Get-ChildItem -LiteralPath $TestDrive -Filter 'refused.car*' | Should -BeNullOrEmpty
    }

    It 'gives up after -Timeout when the node never reaches -Height, and writes nothing' {
        $bad.Server.Faults.Reset()
        $out = [System.IO.Path]::Combine($TestDrive, 'never.car')
        $err = $null
        New-FilFilSnapshot -Path $out -Lotus $bad.Endpoint -Height ($bad.Height + 100) -RecentStateRoots 3 -Timeout '0:0:3' -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        "$err" | Should -Match '-Timeout 00:00:03'
        Get-ChildItem -LiteralPath $TestDrive -Filter 'never.car*' | Should -BeNullOrEmpty
        (Get-FilFilFollower -NoLag).Running | Should -BeFalse
    }

    It 'rejects -Timeout without -Lotus' {
        Clear-FilFilEngine
        { New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 't.car')) -Bootstrap $chain4 -Timeout '0:1:0' -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'TimeoutWithoutLotus,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand'
    }
}
