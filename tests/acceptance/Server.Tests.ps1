# Issue 13: a devnet followed, snapshotted in two pieces and served over HTTP; what a storage provider's Boost and a
# node operator download (with Invoke-WebRequest, as a user would) is byte-identical to the snapshot.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    $env:FILFIL_HOME = Join-Path $TestDrive 'home'
    $devnet = Start-FilFilDevnet -Seed 31 -Epochs 20 -StateBlocks 8000
    $devnet | Start-FilFilFollower -RecentStateRoots 900 | Out-Null
    # 1 MiB pieces (the smallest legal piece size) split this chain into two or more
    $snapshot = New-FilFilSnapshot -Path (Join-Path $TestDrive 'served.car') -RecentStateRoots 10 -PieceSize 1MiB
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $prefix = "http://127.0.0.1:$port/"
    $server = Start-FilFilServer -Prefix $prefix

    # GET a path of the server into a file; returns the response (status and headers), HTTP errors included
    function Save-Url([string]$Path, [string]$OutFile, [string]$Range) {
        $headers = @{}
        if ($Range) { $headers['Range'] = $Range }
        Invoke-WebRequest -Uri ($prefix + $Path) -Headers $headers -OutFile $OutFile -PassThru -SkipHttpErrorCheck
    }

    function Get-Status([string]$Path) {
        (Invoke-WebRequest -Uri ($prefix + $Path) -SkipHttpErrorCheck).StatusCode
    }
}

AfterAll {
    Stop-FilFilServer
    Stop-FilFilFollower
    Stop-FilFilDevnet
    $env:FILFIL_HOME = $null
}

Describe 'Serving a followed devnet snapshot' {
    It 'starts on loopback and reports itself' {
        $server | Should -BeOfType FilFil.PowerShell.ServerStatus
        $server.Running | Should -BeTrue
        $server.Loopback | Should -BeTrue
        (Get-FilFilServer).Prefix | Should -Be $prefix
        $snapshot.Pieces.Count | Should -BeGreaterOrEqual 2
    }

    It 'serves each piece byte-identical to its file, and its commP is the catalog piece CID (v1 and v2 URLs)' {
        foreach ($p in $snapshot.Pieces) {
            foreach ($cid in @($p.PieceCidV1, $p.PieceCidV2)) {
                $out = Join-Path $TestDrive "$cid.car"
                $r = Save-Url "piece/$cid" $out
                $r.StatusCode | Should -Be 200
                [long]($r.Headers['Content-Length'] | Select-Object -First 1) | Should -Be (Get-Item -LiteralPath $p.Path).Length
                $r.Headers['ETag'] | Should -Match ([regex]::Escape($cid))
                (Get-FileHash -LiteralPath $out).Hash | Should -Be (Get-FileHash -LiteralPath $p.Path).Hash
                (Get-FilFilPieceCid -LiteralPath $out).PieceCidV1 | Should -Be $p.PieceCidV1
            }
        }
    }

    It 'serves ranges that reassemble to each piece' {
        foreach ($p in $snapshot.Pieces) {
            $len = (Get-Item -LiteralPath $p.Path).Length
            $cut = [long][math]::Floor($len / 3)
            $joined = Join-Path $TestDrive 'joined.car'
            $stream = [System.IO.File]::Create($joined)
            try {
                foreach ($range in @("bytes=0-$($cut - 1)", "bytes=$cut-$(2 * $cut - 1)", "bytes=$(2 * $cut)-$len")) {
                    $out = Join-Path $TestDrive 'part.bin'
                    (Save-Url "piece/$($p.PieceCidV1)" $out $range).StatusCode | Should -Be 206
                    $part = [System.IO.File]::ReadAllBytes($out)
                    $stream.Write($part, 0, $part.Length)
                }
            }
            finally { $stream.Dispose() }
            (Get-FileHash -LiteralPath $joined).Hash | Should -Be (Get-FileHash -LiteralPath $p.Path).Hash
            (Get-FilFilPieceCid -LiteralPath $joined).PieceCidV1 | Should -Be $p.PieceCidV1
            (Save-Url "piece/$($p.PieceCidV1)" (Join-Path $TestDrive 'none.bin') "bytes=$len-").StatusCode | Should -Be 416
        }
    }

    It 'serves a CAR of the head state from the block store that Test-FilFilCar verifies' {
        $health = Invoke-RestMethod -Uri "${prefix}healthz"
        $health.status | Should -Be 'ok'
        $out = Join-Path $TestDrive 'state.car'
        (Save-Url "ipfs/$($health.parentStateRoot)?format=car" $out).StatusCode | Should -Be 200
        $t = Test-FilFilCar -LiteralPath $out
        $t.Valid | Should -BeTrue
        $t.HashFailures | Should -Be 0
        $t.Blocks | Should -BeGreaterThan 100
        $t.Roots | Should -Be $health.parentStateRoot
    }

    It 'names the newest snapshot at /snapshots/latest and streams a single-file one at /snapshots/{height}.car' {
        # the split snapshot is listed with its pieces; a single-file snapshot of the same height is then the latest
        $listed = Invoke-RestMethod -Uri "${prefix}snapshots"
        @($listed | Where-Object { $_.pieces.Count -ge 2 }).Count | Should -Be 1
        $single = New-FilFilSnapshot -Path (Join-Path $TestDrive 'single.car') -RecentStateRoots 10
        $latest = Invoke-RestMethod -Uri "${prefix}snapshots/latest"
        $latest.height | Should -Be $single.Height
        @($latest.pieces.pieceCid) | Should -Be @($single.Pieces.PieceCidV1)
        $out = Join-Path $TestDrive 'latest.car'
        (Save-Url "snapshots/$($single.Height).car" $out).StatusCode | Should -Be 200
        (Get-FileHash -LiteralPath $out).Hash | Should -Be (Get-FileHash -LiteralPath $single.Paths[0]).Hash
    }

    It 'refuses traversal and bad CIDs' {
        Get-Status 'snapshots/..%2f..%2fcatalog.json' | Should -Be 400
        Get-Status 'piece/not-a-cid' | Should -Be 400
        Get-Status 'ipfs/not-a-cid?format=raw' | Should -Be 400
    }

    It 'refuses a second server and stops with Stop-FilFilServer' {
        $err = $null
        Start-FilFilServer -Prefix $prefix -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $final = Get-FilFilServer | Stop-FilFilServer -PassThru
        $final.Running | Should -BeFalse
        $final.Requests | Should -BeGreaterThan 5
    }
}
