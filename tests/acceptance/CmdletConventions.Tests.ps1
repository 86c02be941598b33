# The FilFil cmdlets follow PowerShell's own conventions (issue 10, "Cmdlets as PowerShell's own"): what names files
# pipes into what takes files, paths follow the provider's rules, state changes honour -WhatIf, tokens are
# SecureStrings that still take plain strings, parameter conflicts stop the command before any work, and error ids
# carry no Verb-Noun prefix (PowerShell appends the command type itself).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    $fixtures = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' '..' 'shared' 'fixtures' 'filecoin'))
    $chain4 = Join-Path $fixtures 'mainnet-chain4-h0-3.car'
    $env:FILFIL_HOME = Join-Path $TestDrive 'home'
    # every Describe starts from a session that holds no chain and runs no follower
    function Reset-TestSession {
        Stop-FilFilFollower
        Clear-FilFilEngine -Confirm:$false
    }
}

AfterAll {
    Reset-TestSession
    Stop-FilFilDevnet
    $env:FILFIL_HOME = $null
}

Describe 'Outputs that name files pipe into every cmdlet that takes files' {
    BeforeAll {
        Reset-TestSession
        $imported = Import-FilFilSnapshot -Path $chain4 -RecentStateRoots 0
        $first = New-FilFilSnapshot -Path (Join-Path $TestDrive 'h3.car') -RecentStateRoots 0
        $second = New-FilFilSnapshot -Path (Join-Path $TestDrive 'h1.car') -RecentStateRoots 0 -Height 1
        # a multi-piece snapshot: the cmdlet's -PieceSize needs a 32 GiB sector, so the engine's own piece writer
        # cuts the chain4 export into pieces of at most 400,000 bytes, recorded as the catalog records pieces
        $none = [System.Threading.CancellationToken]::None
        $engine = [FilFil.Core.Snapshot.SnapshotImporter]::ImportAsync($chain4, $null, $none).GetAwaiter().GetResult()
        try {
            $options = [FilFil.Core.Snapshot.SnapshotOptions]@{ TipSet = $engine.Head }
            $written = [FilFil.Core.Snapshot.SnapshotWriter]::WritePiecesAsync($engine, (Join-Path $TestDrive 'split'), 400000, $options, $null, $null, $none).GetAwaiter().GetResult()
        }
        finally {
            $engine.Dispose()
        }
        $pieces = [string[]]$written.Files
        $split = [FilFil.Core.Snapshot.SnapshotRecord]@{ Height = 3; TipSetKey = $first.TipSetKey; Paths = $pieces; Format = 'V1' }
    }

    It 'Get-FilFilSnapshot -Last 2 | <_> processes both snapshots' -ForEach @('Test-FilFilCar', 'Test-FilFilSnapshot', 'Get-FilFilPieceCid') {
        $results = Get-FilFilSnapshot -Last 2 | & $_ -ErrorAction Stop
        $results | Should -HaveCount 2
        $results.Path | Should -Be @($first.Paths[0], $second.Paths[0])
    }

    It 'New-FilFilSnapshot output | <_> processes the file it wrote' -ForEach @('Test-FilFilCar', 'Test-FilFilSnapshot', 'Get-FilFilPieceCid') {
        $result = $first | & $_ -ErrorAction Stop
        $result.Path | Should -Be $first.Paths[0]
    }

    It 'the pieces are several' {
        $pieces.Count | Should -BeGreaterThan 2
    }

    It 'a multi-piece record | Test-FilFilCar checks every piece, in order' {
        $results = $split | Test-FilFilCar -ErrorAction Stop
        $results.Path | Should -Be $pieces
        $results.Valid | Should -Not -Contain $false
    }

    It 'a multi-piece record | Get-FilFilPieceCid gives each piece the piece CID its writer computed' {
        $results = $split | Get-FilFilPieceCid -ErrorAction Stop
        $results.Path | Should -Be $pieces
        $results.PieceCidV1 | Should -Be @($written.Pieces | ForEach-Object { $_.PieceCidV1.ToString() })
    }

    It 'a multi-piece record | Test-FilFilSnapshot checks the pieces joined, as one snapshot' {
        $result = $split | Test-FilFilSnapshot -ErrorAction Stop
        $result | Should -HaveCount 1
        $result.Files | Should -Be $pieces
        $result.Path | Should -Be $pieces[0]
        $result.Ok | Should -BeTrue
        $result.HeadHeight | Should -Be 3
        $result.Blocks | Should -Be $first.Blocks
        # one piece alone lacks what the others hold
        (Test-FilFilSnapshot -LiteralPath $pieces[0]).Ok | Should -BeFalse
    }

    It 'a multi-piece record with a damaged piece fails Test-FilFilSnapshot' {
        $damaged = $pieces | ForEach-Object { Join-Path $TestDrive ('damaged.' + [System.IO.Path]::GetFileName($_)) }
        for ($i = 0; $i -lt $pieces.Count; $i++) { Copy-Item -LiteralPath $pieces[$i] -Destination $damaged[$i] }
        $bytes = [System.IO.File]::ReadAllBytes($damaged[-1])
        $bytes[$bytes.Length - 10] = $bytes[$bytes.Length - 10] -bxor 0xFF
        [System.IO.File]::WriteAllBytes($damaged[-1], $bytes)
        $record = [FilFil.Core.Snapshot.SnapshotRecord]@{ Height = 3; TipSetKey = $first.TipSetKey; Paths = $damaged; Format = 'V1' }
        $result = $record | Test-FilFilSnapshot -ErrorAction Stop
        $result.Ok | Should -BeFalse
        $result.BadHashes | Should -Be 1
    }

    It 'a record naming a missing piece gives FileNotFound and no result' {
        $record = [FilFil.Core.Snapshot.SnapshotRecord]@{ Height = 3; TipSetKey = $first.TipSetKey; Paths = @($pieces[0], (Join-Path $TestDrive 'split.999.car')); Format = 'V1' }
        $err = $null
        $record | Test-FilFilSnapshot -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'FileNotFound,FilFil.PowerShell.Commands.TestFilFilSnapshotCommand'
    }

    It 'Import-FilFilSnapshot output | <_> processes the imported file' -ForEach @('Test-FilFilCar', 'Test-FilFilSnapshot', 'Get-FilFilPieceCid') {
        ($imported | & $_ -ErrorAction Stop).Path | Should -Be $chain4
    }

    It 'Test-FilFilCar output | <_> processes the same file' -ForEach @('Test-FilFilSnapshot', 'Get-FilFilPieceCid') {
        (Test-FilFilCar -LiteralPath $chain4 -SkipHashCheck | & $_ -ErrorAction Stop).Path | Should -Be $chain4
    }

    It 'Get-ChildItem | Test-FilFilCar binds FileInfo objects' {
        $results = Get-ChildItem -LiteralPath $TestDrive -Filter 'split.*.car' | Test-FilFilCar -SkipHashCheck -ErrorAction Stop
        $results.Path | Should -Be $pieces
    }

    It 'a snapshot record | Import-FilFilSnapshot imports its file' {
        $status = $second | Import-FilFilSnapshot -RecentStateRoots 0 -ErrorAction Stop
        $status.Source | Should -Be $second.Paths[0]
        $status.Height | Should -Be 1
    }
}

Describe 'Paths follow the provider''s rules' {
    BeforeAll {
        $bracketed = Join-Path $TestDrive 'snap [1].car'
        $plain = Join-Path $TestDrive 'snap 1.car'
        Copy-Item -LiteralPath $chain4 -Destination $bracketed
        Copy-Item -LiteralPath $chain4 -Destination $plain
        $escaped = Join-Path $TestDrive 'snap `[1`].car'
    }

    It '<_> -Path with escaped brackets finds the file Get-Item finds' -ForEach @('Test-FilFilCar', 'Test-FilFilSnapshot', 'Get-FilFilPieceCid') {
        (Get-Item -Path $escaped).FullName | Should -Be $bracketed
        $result = & $_ -Path $escaped -ErrorAction Stop
        $result | Should -HaveCount 1
        $result.Path | Should -Be $bracketed
    }

    It 'an escaped path relative to the location resolves too' {
        Push-Location -LiteralPath $TestDrive
        try {
            (Test-FilFilCar -Path 'snap `[1`].car' -SkipHashCheck -ErrorAction Stop).Path | Should -Be $bracketed
        }
        finally {
            Pop-Location
        }
    }

    It 'unescaped brackets are a wildcard, as for Get-Item: [1] matches "1"' {
        (Get-Item -Path $bracketed).FullName | Should -Be $plain
        (Test-FilFilCar -Path $bracketed -SkipHashCheck -ErrorAction Stop).Path | Should -Be $plain
    }

    It '-LiteralPath takes the brackets as written' {
        (Test-FilFilCar -LiteralPath $bracketed -SkipHashCheck -ErrorAction Stop).Path | Should -Be $bracketed
    }

    It 'a wildcard matching nothing gives nothing and no error; an escaped path that is missing gives FileNotFound' {
        $err = $null
        Test-FilFilCar -Path (Join-Path $TestDrive 'none*.car') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 0
        $missing = Join-Path $TestDrive 'gone `[2`].car'
        Test-FilFilCar -Path $missing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'FileNotFound,FilFil.PowerShell.Commands.TestFilFilCarCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be $missing
    }

    It 'a wildcard expands to every matching file' {
        $results = Test-FilFilCar -Path (Join-Path $TestDrive 'snap*.car') -SkipHashCheck -ErrorAction Stop
        $results.Path | Sort-Object | Should -Be (@($bracketed, $plain) | Sort-Object)
    }
}

Describe 'State-changing cmdlets support -WhatIf and -Confirm' {
    It '<_> has -WhatIf and -Confirm' -ForEach @('Start-FilFilDevnet', 'Stop-FilFilDevnet', 'Step-FilFilDevnet', 'Start-FilFilFollower',
        'Stop-FilFilFollower', 'Import-FilFilSnapshot', 'New-FilFilSnapshot', 'Set-FilFilLogging', 'Clear-FilFilEngine', 'Set-FilFilConfig') {
        $parameters = (Get-Command -Name $_).Parameters
        $parameters.ContainsKey('WhatIf') | Should -BeTrue
        $parameters.ContainsKey('Confirm') | Should -BeTrue
    }

    It 'Start-FilFilDevnet -WhatIf starts nothing' {
        $before = @(Get-FilFilDevnet).Count
        Start-FilFilDevnet -Seed 41 -StateBlocks 64 -WhatIf | Should -BeNullOrEmpty
        @(Get-FilFilDevnet).Count | Should -Be $before
    }

    Context 'on a running devnet' {
        BeforeAll {
            Reset-TestSession
            $devnet = Start-FilFilDevnet -Seed 42 -Epochs 5 -StateBlocks 64 -NullRoundRate 0 -ReorgRate 0
        }

        AfterAll {
            Reset-TestSession
            $devnet | Stop-FilFilDevnet
        }

        It 'Step-FilFilDevnet -WhatIf mines nothing' {
            $height = $devnet.Height
            $devnet | Step-FilFilDevnet -Epochs 3 -WhatIf | Should -BeNullOrEmpty
            $devnet.Height | Should -Be $height
        }

        It 'Stop-FilFilDevnet -WhatIf (and -PassThru) leaves it running' {
            $devnet | Stop-FilFilDevnet -WhatIf -PassThru | Should -BeNullOrEmpty
            Stop-FilFilDevnet -WhatIf
            $devnet.Running | Should -BeTrue
        }

        It 'Start-FilFilFollower -WhatIf does not connect (nothing listens on port 9) and starts no follower' {
            $err = $null
            Start-FilFilFollower -Lotus 'ws://127.0.0.1:9/rpc/v1' -WhatIf -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
            $devnet | Start-FilFilFollower -WhatIf | Should -BeNullOrEmpty
            Get-FilFilFollower -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'Stop-FilFilFollower -WhatIf leaves the follower running' {
            $devnet | Start-FilFilFollower -RecentStateRoots 900 | Out-Null
            Stop-FilFilFollower -WhatIf
            (Get-FilFilFollower -NoLag).Running | Should -BeTrue
            Stop-FilFilFollower
            (Get-FilFilFollower -NoLag).Running | Should -BeFalse
        }

        It 'Import-FilFilSnapshot -WhatIf keeps the chain the session holds' {
            $before = (Get-FilFilFollower -NoLag).Height
            Import-FilFilSnapshot -Path $chain4 -WhatIf | Should -BeNullOrEmpty
            $s = New-FilFilSnapshot -Path (Join-Path $TestDrive 'after-whatif.car') -RecentStateRoots 1
            $s.Height | Should -Be $before
        }
    }
}

Describe '-Token is a SecureString that also takes a plain string' {
    BeforeAll {
        Reset-TestSession
        $secure = ConvertTo-SecureString -String 'sesame' -AsPlainText -Force
        $guarded = Start-FilFilDevnet -Seed 43 -Epochs 4 -StateBlocks 64 -Token $secure
    }

    AfterAll {
        Reset-TestSession
        $guarded | Stop-FilFilDevnet
    }

    It '<_> -Token is a SecureString' -ForEach @('Start-FilFilDevnet', 'Start-FilFilFollower', 'New-FilFilSnapshot') {
        (Get-Command -Name $_).Parameters['Token'].ParameterType | Should -Be ([System.Security.SecureString])
    }

    It 'Start-FilFilDevnet took the SecureString as the token the server requires' {
        $guarded.Token | Should -Be 'sesame'
    }

    It 'Start-FilFilFollower binds a <Kind> token' -ForEach @(
        @{ Kind = 'plain string'; Token = 'sesame' }
        @{ Kind = 'SecureString'; Token = (ConvertTo-SecureString -String 'sesame' -AsPlainText -Force) }
    ) {
        $status = Start-FilFilFollower -Lotus $guarded.Endpoint -Token $Token -RecentStateRoots 900 -ErrorAction Stop
        $status.Height | Should -Be $guarded.Height
        Reset-TestSession
    }

    It 'a wrong token, plain or secure, is refused by the node' -ForEach @(
        @{ Token = 'wrong' }
        @{ Token = (ConvertTo-SecureString -String 'wrong' -AsPlainText -Force) }
    ) {
        $err = $null
        Start-FilFilFollower -Lotus $guarded.Endpoint -Token $Token -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].Exception.Message | Should -Match '401|[Uu]nauthori'
    }

    It 'New-FilFilSnapshot -Lotus binds a SecureString token' {
        $s = New-FilFilSnapshot -Path (Join-Path $TestDrive 'guarded.car') -Lotus $guarded.Endpoint -Token $secure -RecentStateRoots 2 -ErrorAction Stop
        $s.Height | Should -Be $guarded.Height
        Clear-FilFilEngine -Confirm:$false
    }

    It 'an empty token is a parameter binding error' {
        { Start-FilFilFollower -Lotus $guarded.Endpoint -Token '' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,FilFil.PowerShell.Commands.StartFilFilFollowerCommand'
    }
}

Describe 'Parameter conflicts stop the command before any work' {
    BeforeAll {
        Reset-TestSession
        $nowhere = 'ws://127.0.0.1:9/rpc/v1' # nothing listens: a connection attempt would give ConnectionError instead
        $missingSnapshot = Join-Path $TestDrive 'no-such-bootstrap.car' # importing it would give FileNotFound instead
    }

    It '<Id>: terminating even with -ErrorAction SilentlyContinue, nothing loaded or written' -ForEach @(
        @{ Id = 'CompressWithPieceSize'; Arguments = @{ Compress = $true; PieceSize = '32GiB'; Lotus = 'ws://127.0.0.1:9/rpc/v1' } }
        @{ Id = 'TokenWithoutLotus'; Arguments = @{ Token = 'x'; Bootstrap = 'MISSING' } }
        @{ Id = 'KeepAllMessagesWithoutLoad'; Arguments = @{ KeepAllMessages = $true } }
        @{ Id = 'KeepAllMessagesWithSkipOldMessages'; Arguments = @{ KeepAllMessages = $true; SkipOldMessages = $true; Bootstrap = 'MISSING' } }
    ) {
        $out = Join-Path $TestDrive "conflict-$Id.car"
        $arguments = $Arguments.Clone()
        if ($arguments.Bootstrap) { $arguments.Bootstrap = $missingSnapshot }
        $thrown = { New-FilFilSnapshot -Path $out @arguments -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId "$Id,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand" -PassThru
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown.Exception | Should -BeOfType System.Management.Automation.ValidationMetadataException
        Test-Path -LiteralPath $out | Should -BeFalse
        Get-FilFilFollower -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Error ids are the problem alone; PowerShell appends the command type' {
    BeforeAll {
        $truncated = Join-Path $TestDrive 'truncated.car'
        $bytes = [System.IO.File]::ReadAllBytes($chain4)
        [System.IO.File]::WriteAllBytes($truncated, $bytes[0..999])
    }

    It '<Command>: <Id>' -ForEach @(
        @{ Command = 'Test-FilFilCar'; Id = 'FileNotFound,FilFil.PowerShell.Commands.TestFilFilCarCommand'; Category = 'ObjectNotFound'; Run = { Test-FilFilCar -LiteralPath (Join-Path $TestDrive 'nope.car') -ErrorAction Stop } }
        @{ Command = 'Test-FilFilCar'; Id = 'FormatError,FilFil.PowerShell.Commands.TestFilFilCarCommand'; Category = 'InvalidData'; Run = { Test-FilFilCar -LiteralPath $truncated -ErrorAction Stop } }
        @{ Command = 'Get-FilFilPieceCid'; Id = 'InvalidArgument,FilFil.PowerShell.Commands.GetFilFilPieceCidCommand'; Category = 'InvalidArgument'; Run = { Get-FilFilPieceCid -Path $TestDrive -ErrorAction Stop } }
        @{ Command = 'Test-FilFilSnapshot'; Id = 'FileNotFound,FilFil.PowerShell.Commands.TestFilFilSnapshotCommand'; Category = 'ObjectNotFound'; Run = { Test-FilFilSnapshot -Path (Join-Path $TestDrive 'nope.car') -ErrorAction Stop } }
        @{ Command = 'Step-FilFilDevnet'; Id = 'DevnetNotFound,FilFil.PowerShell.Commands.StepFilFilDevnetCommand'; Category = 'ObjectNotFound'; Run = { Step-FilFilDevnet -Id 999999 -ErrorAction Stop } }
    ) {
        $thrown = $Run | Should -Throw -ErrorId $Id -PassThru
        $thrown.CategoryInfo.Category | Should -Be $Category
        $thrown.FullyQualifiedErrorId | Should -Not -Match "^$Command\."
    }
}

Describe 'Past the follower''s window, a snapshot with old messages names the real switches' {
    BeforeAll {
        Reset-TestSession
        # a chain longer than the smallest follower window (900 heights and 10 for reorgs)
        $long = Start-FilFilDevnet -Seed 44 -Epochs 925 -StateBlocks 64 -MessagesPerBlock 2 -ReorgRate 0
    }

    AfterAll {
        Reset-TestSession
        $long | Stop-FilFilDevnet
    }

    It 'without -KeepAllMessages: OldMessagesNotHeld names -SkipOldMessages and Start-FilFilFollower -KeepAllMessages' {
        $long | Start-FilFilFollower -RecentStateRoots 900 | Out-Null
        $out = Join-Path $TestDrive 'all-messages.car'
        $err = $null
        New-FilFilSnapshot -Path $out -RecentStateRoots 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'OldMessagesNotHeld,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match '-SkipOldMessages'
        $err[0].Exception.Message | Should -Match 'Start-FilFilFollower -KeepAllMessages'
        $err[0].Exception.Message | Should -Not -Match 'run the engine with'
        Test-Path -LiteralPath $out | Should -BeFalse
        # the switch it names works
        $s = New-FilFilSnapshot -Path (Join-Path $TestDrive 'recent-messages.car') -RecentStateRoots 5 -SkipOldMessages -ErrorAction Stop
        $s.SkipOldMessages | Should -BeTrue
        Reset-TestSession
    }

    It 'Start-FilFilFollower -KeepAllMessages: the snapshot keeps every height''s messages and passes Test-FilFilSnapshot' {
        $long | Start-FilFilFollower -RecentStateRoots 900 -KeepAllMessages | Out-Null
        $s = New-FilFilSnapshot -Path (Join-Path $TestDrive 'kept-messages.car') -RecentStateRoots 5 -ErrorAction Stop
        $s.SkipOldMessages | Should -BeFalse
        $s.Height | Should -Be $long.Height
        $t = $s | Test-FilFilSnapshot
        $t.Ok | Should -BeTrue
        $t.FirstMissing | Should -BeNullOrEmpty
        # a walk that keeps every message reads more than one that skips the old ones
        $skipped = New-FilFilSnapshot -Path (Join-Path $TestDrive 'skipped-messages.car') -RecentStateRoots 5 -SkipOldMessages
        $s.Blocks | Should -BeGreaterThan $skipped.Blocks
        Reset-TestSession
    }

    It 'Import-FilFilSnapshot -KeepAllMessages keeps them from a snapshot that has them, and names what one without them lacks' {
        $kept = Join-Path $TestDrive 'kept-messages.car'
        $err = $null
        Import-FilFilSnapshot -Path (Join-Path $TestDrive 'skipped-messages.car') -KeepAllMessages -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'BlockUnavailable,FilFil.PowerShell.Commands.ImportFilFilSnapshotCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'KeepAllMessages'
        # without the switch, the imported window (900 heights and 10) does not reach genesis
        Import-FilFilSnapshot -Path $kept -RecentStateRoots 900 | Out-Null
        $err = $null
        New-FilFilSnapshot -Path (Join-Path $TestDrive 'reimported.car') -RecentStateRoots 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'OldMessagesNotHeld,FilFil.PowerShell.Commands.NewFilFilSnapshotCommand'
        # with it, every height's messages come along
        Import-FilFilSnapshot -Path $kept -RecentStateRoots 900 -KeepAllMessages | Out-Null
        $again = New-FilFilSnapshot -Path (Join-Path $TestDrive 'reimported-kept.car') -RecentStateRoots 5 -ErrorAction Stop
        $again.Blocks | Should -Be (Get-FilFilSnapshot | Where-Object { $_.Paths[0] -eq $kept }).Blocks
        ($again | Test-FilFilSnapshot).Ok | Should -BeTrue
    }
}
