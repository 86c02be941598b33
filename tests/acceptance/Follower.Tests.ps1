# The whole snapshot story against the embedded devnet: follow it, snapshot while it moves, verify.
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
    $env:FILFIL_HOME = [System.IO.Path]::Combine($TestDrive, 'home')
}

AfterAll {
    Stop-FilFilFollower
    Stop-FilFilDevnet
    $env:FILFIL_HOME = $null
}

Describe 'Following a devnet' {
    BeforeAll {
        $devnet = Start-FilFilDevnet -Seed 21 -Epochs 30 -StateBlocks 512 -ReorgRate 0.1 -MaxReorgDepth 2
        $status = $devnet | Start-FilFilFollower -RecentStateRoots 900
    }

    It 'starts at the devnet head' {
        $status | Should -BeOfType FilFil.PowerShell.FollowerStatus
        $status.Running | Should -BeTrue
        $status.Height | Should -Be $devnet.Height
        $status.Blocks | Should -BeGreaterThan 1000
        $status.Endpoint | Should -Be $devnet.Endpoint
    }

    It 'follows new epochs and reorgs, and Wait-FilFilHeight returns when the height is reached' {
        $devnet | Step-FilFilDevnet -Epochs 40 | Out-Null
        $devnet | Step-FilFilDevnet -Reorg 2 | Out-Null
        # one more epoch on the new fork: its height exists only there, so reaching it means the reorg was followed
        $devnet | Step-FilFilDevnet -Epochs 1 | Out-Null
        $target = $devnet.Height
        $w = Wait-FilFilHeight -Height $target -Timeout '0:2:0'
        $w.Height | Should -BeGreaterOrEqual $target
        $f = Get-FilFilFollower
        $f.HeadTipSet | Should -Be $devnet.HeadTipSet
        $f.Lag | Should -Be 0
        $f.BlocksFetched | Should -BeGreaterThan 0
        $f.BadBlocksRefused | Should -Be 0
    }

    It 'takes a snapshot of the followed chain that passes Test-FilFilSnapshot' {
        $out = [System.IO.Path]::Combine($TestDrive, 'devnet.car')
        $s = New-FilFilSnapshot -Path $out -RecentStateRoots 10
        $s.Height | Should -Be $devnet.Height
        $s.Pieces | Should -HaveCount 1
        $s.Pieces[0].PieceCidV1 | Should -Match '^baga6ea4seaq'
        $t = Test-FilFilSnapshot $out
        $t.Ok | Should -BeTrue
        $t.HeadHeight | Should -Be $s.Height
        (Get-FilFilPieceCid $out).PieceCidV1 | Should -Be $s.Pieces[0].PieceCidV1
    }

    It 'rejects a second follower while one runs' {
        $err = $null
        Start-FilFilFollower -Lotus $devnet.Endpoint -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'rejects an http:// endpoint (ChainNotify needs a WebSocket)' {
        Stop-FilFilFollower
        $err = $null
        Start-FilFilFollower -Lotus $devnet.HttpEndpoint -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Starting a follower on a node that is not there' {
    It 'fails at once (not after the first-head timeout) when nothing listens, and leaves no follower' {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $err = $null
        Start-FilFilFollower -Lotus 'ws://127.0.0.1:9/rpc/v1' -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 25
        Get-FilFilFollower -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
    }

    It 'says what a node URL looks like when given something that is not one' {
        $err = $null
        Start-FilFilFollower -Lotus 'not a url' -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err" | Should -Match 'ws://'
        "$err" | Should -Not -Match 'relative URI'
    }

    It 'fails at once when the node refuses the token' {
        $guarded = Start-FilFilDevnet -Seed 22 -Epochs 3 -StateBlocks 64 -Token 'sesame'
        try {
            $err = $null
            Start-FilFilFollower -Lotus $guarded.Endpoint -Token 'wrong' -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].Exception.Message | Should -Match '401|[Uu]nauthori'
            Get-FilFilFollower -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
        }
        finally {
            $guarded | Stop-FilFilDevnet
        }
    }
}

Describe 'Snapshots refuse a stale follower' {
    BeforeAll {
        Stop-FilFilFollower
        Clear-FilFilEngine -Confirm:$false
        $slow = Start-FilFilDevnet -Seed 22 -Epochs 10 -StateBlocks 256
        $slow | Start-FilFilFollower -RecentStateRoots 900 | Out-Null
        $held = (Get-FilFilFollower).Height
        # every read now takes 5 s: the follower falls behind while the devnet mines 15 epochs
        $slow.Server.Faults.ReadObjDelay = [TimeSpan]::FromSeconds(5)
        $slow.Server.Faults.ReadObjDelayRate = 1
        $slow | Step-FilFilDevnet -Epochs 15 | Out-Null
    }

    AfterAll {
        $slow.Server.Faults.Reset()
        Stop-FilFilFollower
        $slow | Stop-FilFilDevnet
    }

    It 'refuses a follower more than -MaxLag epochs behind (FollowerLagging) and writes nothing' {
        $out = [System.IO.Path]::Combine($TestDrive, 'stale.car')
        $err = $null
        $r = New-FilFilSnapshot -Path $out -RecentStateRoots 5 -SkipOldMessages -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FollowerLagging,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'epochs behind the node''s head .*-AllowStale'
        Test-Path $out | Should -BeFalse
    }

    It 'writes the chain as it is with -AllowStale, or within a larger -MaxLag' {
        # reads are fast again, but the follower is still behind when the snapshots start (a writer waits for the
        # head change in progress, so with 5 s reads this would take minutes)
        $slow.Server.Faults.Reset()
        $a = New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'allowed.car')) -RecentStateRoots 5 -SkipOldMessages -AllowStale
        $a.Height | Should -BeGreaterOrEqual $held
        $b = New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'maxlag.car')) -RecentStateRoots 5 -SkipOldMessages -MaxLag 100
        $b.Height | Should -BeGreaterOrEqual $held
    }
}

Describe 'A follower the node keeps serving a corrupt block' {
    BeforeAll {
        Stop-FilFilFollower
        Clear-FilFilEngine -Confirm:$false
        $corrupt = Start-FilFilDevnet -Seed 23 -Epochs 5 -StateBlocks 128 -ReorgRate 0
    }

    AfterAll {
        $corrupt.Server.Faults.Reset()
        Stop-FilFilFollower
        Clear-FilFilEngine -Confirm:$false
        $corrupt | Stop-FilFilDevnet
    }

    It 'Start-FilFilFollower fails with InvalidData naming the block when the bootstrap needs it' {
        $root = $corrupt.Server.Chain.Head.Blocks[0].ParentStateRoot
        $corrupt.Server.Faults.CorruptBlock($root)
        $err = $null
        $corrupt | Start-FilFilFollower -RecentStateRoots 900 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BlockCorrupt,*'
        "$err" | Should -Match ([regex]::Escape("$root"))
        # the target is the block (it used to be the endpoint); the message names the node
        $err[0].TargetObject | Should -Be "$root"
        "$err" | Should -Match ([regex]::Escape("following $($corrupt.Endpoint)"))
        Get-FilFilFollower -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
        $corrupt.Server.Faults.Reset()
    }

    It 'stops a running follower with a fault that Wait-FilFilHeight and Get-FilFilFollower report' {
        $held = ($corrupt | Start-FilFilFollower -RecentStateRoots 900).Height
        # the state after the head: the next tipset's state root, which the follower fetches to apply it
        $root = $corrupt.Server.Chain.Head.StateAfter
        $corrupt.Server.Faults.CorruptBlock($root)
        $corrupt | Step-FilFilDevnet -Epochs 1 | Out-Null
        $err = $null
        Wait-FilFilHeight -Height $corrupt.Height -Timeout '0:3:0' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        "$err" | Should -Match ([regex]::Escape("$root"))
        $err[0].TargetObject | Should -Be "$root"
        "$err" | Should -Match ([regex]::Escape("the follower on $($corrupt.Endpoint)"))
        $f = Get-FilFilFollower -NoLag
        $f.Running | Should -BeFalse
        $f.Fault | Should -Match ([regex]::Escape("$root"))
        $f.Fault | Should -Match 'corrupt'
        $f.Height | Should -Be $held
    }
}

Describe 'A follower the node serves an undecodable header, or keeps failing a method' {
    BeforeAll {
        Stop-FilFilFollower
        Clear-FilFilEngine -Confirm:$false
        $odd = Start-FilFilDevnet -Seed 24 -Epochs 5 -StateBlocks 128 -ReorgRate 0
    }

    AfterEach {
        $odd.Server.Faults.Reset()
        Stop-FilFilFollower
        Clear-FilFilEngine -Confirm:$false
    }

    AfterAll {
        $odd.Server.Faults.Reset()
        Stop-FilFilFollower
        Clear-FilFilEngine -Confirm:$false
        $odd | Stop-FilFilDevnet
    }

    It 'Start-FilFilFollower fails with BlockUndecodable, the CID as its target and the node in the message' {
        # the head's block is announced as its messages root: bytes that hash to that CID but are no block header
        $bad = $odd.Server.Faults.UndecodableHeader($odd.Server.Chain.Head.Cids[0], $true)
        $err = $null
        $odd | Start-FilFilFollower -RecentStateRoots 900 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BlockUndecodable,*'
        $err[0].TargetObject | Should -Be "$bad"
        "$err" | Should -Match ([regex]::Escape($odd.Endpoint))
        "$err" | Should -Match ([regex]::Escape("block $bad is undecodable"))
        "$err" | Should -Match 'do not decode as a block header'
        Get-FilFilFollower -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
    }

    It 'stops a running follower on a header that does not decode; Wait-FilFilHeight and Get-FilFilFollower say so' {
        $held = ($odd | Start-FilFilFollower -RecentStateRoots 900).Height
        # the head's block announced as bytes that are not DAG-CBOR (its header cut one byte short), then a reconnect
        $bad = $odd.Server.Faults.UndecodableHeader($odd.Server.Chain.Head.Cids[0], $false)
        $odd.Server.Faults.DropConnections()
        $err = $null
        Wait-FilFilHeight -Height ($held + 1) -Timeout '0:1:0' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BlockUndecodable,*'
        $err[0].TargetObject | Should -Be "$bad"
        "$err" | Should -Match ([regex]::Escape($odd.Endpoint))
        $f = Get-FilFilFollower -NoLag
        $f.Running | Should -BeFalse
        $f.Height | Should -Be $held
        $f.Fault | Should -Match ([regex]::Escape("block $bad is undecodable"))
        $f.LastEvent | Should -BeLike "Block $bad is undecodable on the node after 3 connection(s) in a row; stopping"
    }

    It 'Start-FilFilFollower fails at once with ReadError/NodeMethodFailed when the node answers ChainHead with an error (was NotSpecified)' {
        $odd.Server.Faults.FailMethod('Filecoin.ChainHead', $null)
        $err = $null
        $odd | Start-FilFilFollower -RecentStateRoots 900 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ReadError'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NodeMethodFailed,*'
        "$err" | Should -Match 'Filecoin\.ChainHead failed: devnet injected failure of Filecoin\.ChainHead'
        Get-FilFilFollower -ErrorAction SilentlyContinue | Where-Object Running | Should -BeNullOrEmpty
    }

    It 'stops a running follower whose node keeps answering ChainGetGenesis with an error, without reconnecting (ReadError)' {
        $held = ($odd | Start-FilFilFollower -RecentStateRoots 900).Height
        $errorsBefore = $odd.Server.Faults.MethodErrors
        $odd.Server.Faults.FailMethod('Filecoin.ChainGetGenesis', $null)
        $odd.Server.Faults.DropConnections()
        $err = $null
        # 8 calls, 0.2 s doubling: about 25 s before the fault
        Wait-FilFilHeight -Height ($held + 1) -Timeout '0:2:0' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ReadError'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NodeMethodFailed,*'
        "$err" | Should -Match 'Filecoin\.ChainGetGenesis with an error 8 time\(s\) in a row'
        $odd.Server.Faults.MethodErrors - $errorsBefore | Should -Be 8
        $f = Get-FilFilFollower -NoLag
        $f.Running | Should -BeFalse
        $f.Reconnects | Should -Be 1
        $f.Fault | Should -Match 'devnet injected failure of Filecoin\.ChainGetGenesis'
        $f.LastEvent | Should -BeLike 'Filecoin.ChainGetGenesis failed 8 time(s) in a row on the node*'
    }
}
