# Issue 13: a devnet followed, snapshotted and served over HTTP; what a storage provider's Boost and a node operator
# download is byte-identical to the snapshot. (HttpClient rather than Invoke-WebRequest: the in-process runner's
# session has no Microsoft.PowerShell.Utility web cmdlets.)
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
    $env:FILFIL_HOME = [System.IO.Path]::Combine($TestDrive, 'home')
    $devnet = Start-FilFilDevnet -Seed 31 -Epochs 20 -StateBlocks 256
    $devnet | Start-FilFilFollower -RecentStateRoots 900 | Out-Null
    $snapshot = New-FilFilSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'served.car')) -RecentStateRoots 10
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $prefix = "http://127.0.0.1:$port/"
    $server = Start-FilFilServer -Prefix $prefix
    $client = [System.Net.Http.HttpClient]::new()
    $client.BaseAddress = [uri]$prefix
    function Get-Bytes([string]$path, [string]$range) {
        $req = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Get, $path)
        if ($range) { $req.Headers.TryAddWithoutValidation('Range', $range) | Out-Null }
        $resp = $client.SendAsync($req).GetAwaiter().GetResult()
        [pscustomobject]@{ Status = [int]$resp.StatusCode; Bytes = $resp.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult(); Response = $resp }
    }
    # System.Text.Json (ConvertFrom-Json is not in the in-process runner's session either)
    function Get-Json([string]$path) {
        [System.Text.Json.JsonDocument]::Parse($client.GetStringAsync($path).GetAwaiter().GetResult()).RootElement
    }
}

AfterAll {
    $client.Dispose()
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
    }

    It 'serves each piece byte-identical to its file, and its commP is the catalog piece CID (v1 and v2 URLs)' {
        foreach ($p in $snapshot.Pieces) {
            $file = [System.IO.File]::ReadAllBytes($p.Path)
            foreach ($cid in @($p.PieceCidV1, $p.PieceCidV2)) {
                $r = Get-Bytes "piece/$cid"
                $r.Status | Should -Be 200
                $r.Response.Content.Headers.ContentLength | Should -Be $file.Length
                [System.Linq.Enumerable]::SequenceEqual($r.Bytes, $file) | Should -BeTrue
                $out = [System.IO.Path]::Combine($TestDrive, 'downloaded.car')
                [System.IO.File]::WriteAllBytes($out, $r.Bytes)
                (Get-FilFilPieceCid $out).PieceCidV1 | Should -Be $p.PieceCidV1
            }
        }
    }

    It 'serves ranges that reassemble to the piece' {
        $p = $snapshot.Pieces[0]
        $file = [System.IO.File]::ReadAllBytes($p.Path)
        $len = $file.Length
        $cut = [long][math]::Floor($len / 3)
        $ms = [System.IO.MemoryStream]::new()
        foreach ($range in @("bytes=0-$($cut - 1)", "bytes=$cut-$(2 * $cut - 1)", "bytes=$(2 * $cut)-$len")) {
            $r = Get-Bytes "piece/$($p.PieceCidV1)" $range
            $r.Status | Should -Be 206
            $ms.Write($r.Bytes, 0, $r.Bytes.Length)
        }
        [System.Linq.Enumerable]::SequenceEqual($ms.ToArray(), $file) | Should -BeTrue
        (Get-Bytes "piece/$($p.PieceCidV1)" "bytes=$len-").Status | Should -Be 416
    }

    It 'serves a CAR of the head state from the block store that Test-FilFilCar verifies' {
        $health = Get-Json 'healthz'
        $health.GetProperty('status').GetString() | Should -Be 'ok'
        $stateRoot = $health.GetProperty('parentStateRoot').GetString()
        $r = Get-Bytes "ipfs/$($stateRoot)?format=car"
        $r.Status | Should -Be 200
        $out = [System.IO.Path]::Combine($TestDrive, 'state.car')
        [System.IO.File]::WriteAllBytes($out, $r.Bytes)
        $t = Test-FilFilCar $out
        $t.Valid | Should -BeTrue
        $t.HashFailures | Should -Be 0
        $t.Blocks | Should -BeGreaterThan 100
        $t.Roots | Should -Be $stateRoot
    }

    It 'names the snapshot at /snapshots/latest and streams it at /snapshots/{height}.car' {
        $latest = Get-Json 'snapshots/latest'
        $latest.GetProperty('height').GetInt64() | Should -Be $snapshot.Height
        $latest.GetProperty('pieces')[0].GetProperty('pieceCid').GetString() | Should -Be $snapshot.Pieces[0].PieceCidV1
        $r = Get-Bytes "snapshots/$($snapshot.Height).car"
        $r.Status | Should -Be 200
        [System.Linq.Enumerable]::SequenceEqual($r.Bytes, [System.IO.File]::ReadAllBytes($snapshot.Paths[0])) | Should -BeTrue
    }

    It 'refuses traversal and bad CIDs' {
        (Get-Bytes 'snapshots/..%2f..%2fcatalog.json').Status | Should -Be 400
        (Get-Bytes 'piece/not-a-cid').Status | Should -Be 400
        (Get-Bytes 'ipfs/not-a-cid?format=raw').Status | Should -Be 400
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
