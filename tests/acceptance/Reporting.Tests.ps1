# How errors and progress are reported: categories a script can act on, progress in the unit that is counted.
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
}

Describe 'Reporting' {
    It 'counts Start-FilFilDevnet progress in epochs (it read "0.0 MiB of 0.0 MiB")' {
        $p = [FilFil.PowerShell.ProgressReporter]::new(1, 'Start-FilFilDevnet', 'seed 1', 40, 'epochs')
        $p.Report(10)
        $p.TryCreateRecord().StatusDescription | Should -Be '10 of 40 epochs'
        $b = [FilFil.PowerShell.ProgressReporter]::new(2, 'Test-FilFilCar', 'x.car', 2MB)
        $b.Report(1MB)
        $b.TryCreateRecord().StatusDescription | Should -Match '^1[.,]0 MiB of 2[.,]0 MiB$'
    }

    It 'maps a port in use to ResourceUnavailable/ListenFailed (it was NotSpecified/UnexpectedError)' {
        $r = [FilFil.PowerShell.ErrorMapping]::Classify([System.Net.HttpListenerException]::new(98, 'Address already in use'), 'ReadError')
        $r.Item1 | Should -Be 'ResourceUnavailable'
        $r.Item2 | Should -Be 'ListenFailed'
        $s = [System.Net.Sockets.SocketException]::new([int][System.Net.Sockets.SocketError]::AddressAlreadyInUse)
        ([FilFil.PowerShell.ErrorMapping]::Classify($s, 'ReadError')).Item1 | Should -Be 'ResourceUnavailable'
    }

    It 'reports a snapshot whose root block is missing as ObjectNotFound/BlockUnavailable (not NotSpecified)' {
        $old = $env:FILFIL_HOME
        $env:FILFIL_HOME = Join-Path $TestDrive 'home-missing-root'
        $path = Join-Path $TestDrive 'missing-root.car'
        $missing = [FilFil.Core.Ipld.Cid]::Hash([byte[]](1, 2, 3))
        $fs = [System.IO.File]::Create($path)
        try {
            $w = [FilFil.Core.Car.CarWriter]::new($fs, [FilFil.Core.Ipld.Cid[]]@($missing), $false)
            $data = [byte[]](0x80) # an empty array, not the root
            $w.Write([FilFil.Core.Ipld.Cid]::Hash($data), $data)
            $w.Flush(); $w.Dispose()
        }
        finally { $fs.Dispose() }
        try {
            $err = $null
            $r = Import-FilFilSnapshot -LiteralPath $path -ErrorVariable err -ErrorAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'BlockUnavailable,*'
            "$($err[0])" | Should -Match ([regex]::Escape("$missing"))
        }
        finally { $env:FILFIL_HOME = $old }
    }

    It 'reports Start-FilFilDevnet on a port in use as ResourceUnavailable with the ListenFailed id' {
        $busy = [System.Net.HttpListener]::new()
        $port = Get-Random -Minimum 20000 -Maximum 40000
        $busy.Prefixes.Add("http://127.0.0.1:$port/")
        $busy.Start()
        try {
            $err = $null
            $d = Start-FilFilDevnet -Port $port -Epochs 1 -StateBlocks 64 -ErrorVariable err -ErrorAction SilentlyContinue
            $d | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ListenFailed,*'
        }
        finally { $busy.Stop(); $busy.Close() }
    }
}
