# Start-/Step-/Get-/Stop-FilFilDevnet: a devnet in this process, checked through the objects the cmdlets return.
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
}

Describe 'FilFil devnet cmdlets' {
    AfterAll {
        Stop-FilFilDevnet
    }

    It 'starts a devnet on 127.0.0.1, mines the asked epochs and reports its endpoint' {
        $d = Start-FilFilDevnet -Seed 7 -Epochs 20 -StateBlocks 256
        $d | Should -BeOfType FilFil.PowerShell.DevnetInfo
        $d.Endpoint | Should -Match '^ws://127\.0\.0\.1:\d+/rpc/v1$'
        $d.HttpEndpoint | Should -Match '^http://127\.0\.0\.1:\d+/rpc/v1$'
        $d.Height | Should -BeGreaterOrEqual 18
        $d.Height | Should -BeLessOrEqual 20
        $d.NetworkName | Should -Be 'testnetnet'
        $d.Running | Should -BeTrue
        $d.Token | Should -BeNullOrEmpty
        $d.HeadTipSet.Count | Should -BeGreaterThan 0
    }

    It 'stops a large generation promptly on Ctrl-C (PowerShell.Stop) and keeps no devnet (it took ~19 s)' {
        $before = @(Get-FilFilDevnet).Count
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
            param($manifest)
            Import-Module $manifest
            Start-FilFilDevnet -StateBlocks 8000000 -AverageBlockSize 16
        }).AddArgument((Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1'))
        $handle = $ps.BeginInvoke()
        try {
            Start-Sleep -Milliseconds 1500
            $handle.IsCompleted | Should -BeFalse -Because 'generating 8 M state blocks takes far longer than this'
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop() # what Ctrl-C does: StopProcessing, then the pipeline waits for the cmdlet
            $sw.Stop()
            # loose: the uncancellable generation ran to its end (tens of seconds) before the pipeline stopped
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $stopped = $null
            try { $null = $ps.EndInvoke($handle) } catch { $stopped = $_.Exception.InnerException } # a MethodInvocationException around it
            $stopped | Should -BeOfType ([System.Management.Automation.PipelineStoppedException])
            $stopped.ErrorRecord.CategoryInfo.Category | Should -Be 'OperationStopped'
            @(Get-FilFilDevnet).Count | Should -Be $before -Because 'a stopped start leaves no devnet behind'
        }
        finally { $ps.Dispose() }
    }

    It 'is deterministic: the same seed gives the same head' {
        $a = Start-FilFilDevnet -Seed 11 -Epochs 10 -StateBlocks 128
        $b = Start-FilFilDevnet -Seed 11 -Epochs 10 -StateBlocks 128
        $a.HeadTipSet | Should -Be $b.HeadTipSet
        $a.Height | Should -Be $b.Height
        $a, $b | Stop-FilFilDevnet
        $a.Running | Should -BeFalse
        $b.Running | Should -BeFalse
    }

    It 'steps epochs and forces reorgs on request' {
        $d = Start-FilFilDevnet -Seed 3 -Epochs 5 -StateBlocks 128 -NullRoundRate 0
        $before = $d.Height
        $d | Step-FilFilDevnet -Epochs 10 | Out-Null
        $d.Height | Should -Be ($before + 10)
        $head = $d.HeadTipSet
        $d | Step-FilFilDevnet -Reorg 2 | Out-Null
        $d.HeadTipSet | Should -Not -Be $head
        $d.Height | Should -BeGreaterOrEqual ($before + 9)
    }

    It 'lists running devnets and stops them by Id' {
        $d = Start-FilFilDevnet -Seed 5 -StateBlocks 64
        (Get-FilFilDevnet -Id $d.Id).Endpoint | Should -Be $d.Endpoint
        Stop-FilFilDevnet -Id $d.Id
        Get-FilFilDevnet -Id $d.Id | Should -BeNullOrEmpty
    }

    It 'requires the token when one is set' {
        $d = Start-FilFilDevnet -Seed 9 -StateBlocks 64 -Token 's3cret'
        $d.Token | Should -Be 's3cret'
        $client = [System.Net.Http.HttpClient]::new()
        try {
            $body = [System.Net.Http.StringContent]::new('{"jsonrpc":"2.0","id":1,"method":"Filecoin.ChainHead","params":[]}', [System.Text.Encoding]::UTF8, 'application/json')
            $bad = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, $d.HttpEndpoint)
            $bad.Content = $body
            $bad.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', 'wrong')
            [int]$client.Send($bad).StatusCode | Should -Be 401
        } finally { $client.Dispose() }
        $d | Stop-FilFilDevnet
    }

    It 'reports stepping an unknown devnet id as ObjectNotFound' {
        $err = $null
        Step-FilFilDevnet -Id 99999 -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
