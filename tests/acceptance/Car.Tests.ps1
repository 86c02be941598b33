# Test-FilFilCar on the real fixture CARs (../shared/fixtures/filecoin beside the repository).
BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
    $fixtures = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'fixtures', 'filecoin'))
    $genesis = [System.IO.Path]::Combine($fixtures, 'mainnet.car.zst')
    $chain4 = [System.IO.Path]::Combine($fixtures, 'mainnet-chain4-h0-3.car')
    $calibnet = [System.IO.Path]::Combine($fixtures, 'calibnet.car.zst')
}

Describe 'Test-FilFilCar' {
    BeforeAll {
        if (-not [System.IO.Directory]::Exists($fixtures)) { throw "fixtures missing: $fixtures" }
    }

    It 'checks the mainnet genesis CAR: 1222 blocks, no hash failures, root at height 0' {
        $r = Test-FilFilCar -Path $genesis
        $r | Should -BeOfType FilFil.PowerShell.CarTestResult
        $r.Path | Should -Be $genesis
        $r.Blocks | Should -Be 1222
        $r.HashFailures | Should -Be 0
        $r.FirstHashFailures | Should -HaveCount 0
        $r.Verified | Should -BeTrue
        $r.HashesChecked | Should -Be 1222
        $r.HashesUnverifiable | Should -Be 0
        $r.Valid | Should -BeTrue
        $r.Compressed | Should -BeTrue
        $r.ContainerVersion | Should -Be 'CARv1'
        $r.Format | Should -Be 'V1'
        $r.Roots | Should -Be @('bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2')
        $r.HeadHeight | Should -Be 0
        $r.Heights | Should -Be '0..0'
        $r.Bytes | Should -Be 1104195
        $r.Codecs['dag-cbor'] | Should -Be 1212
        $r.Codecs['raw'] | Should -Be 10
        $r.HashFunctions['identity'] | Should -Be 10
        $r.HashFunctions['sha2-256'] | Should -Be 1
    }

    It 'reports the head height of the chain4 export' {
        $r = Test-FilFilCar $chain4
        $r.HeadHeight | Should -Be 3
        $r.MinHeight | Should -Be 0
        $r.MaxHeight | Should -Be 3
        $r.Headers | Should -Be 4
        $r.Heights | Should -Be '0..3'
        $r.Blocks | Should -Be 1222
        $r.Compressed | Should -BeFalse
        $r.HeadTipset | Should -Be @('bafy2bzacedjrqan2fwfvhfopi64yickki7miiksecglpeiavf7xueytnzevlu')
        $r.Valid | Should -BeTrue
    }

    It 'takes FileInfo objects and strings from the pipeline' {
        $results = @([System.IO.FileInfo]::new($genesis), [System.IO.FileInfo]::new($chain4), $calibnet) | Test-FilFilCar -SkipHashCheck
        $results | Should -HaveCount 3
        $results[0].Path | Should -Be $genesis
        $results[1].HeadHeight | Should -Be 3
        $results[2].Path | Should -Be $calibnet
        $results[2].Blocks | Should -BeGreaterThan 1000
        foreach ($r in $results) {
            $r.Verified | Should -BeFalse
            $r.HashesChecked | Should -Be 0
        }
    }

    It 'binds objects with a Path property, and -Path wildcards' {
        $byProperty = [pscustomobject]@{ Path = $chain4 } | Test-FilFilCar -SkipHashCheck
        $byProperty.Blocks | Should -Be 1222
        $matched = Test-FilFilCar -Path ([System.IO.Path]::Combine($fixtures, 'mainnet*.car*')) -SkipHashCheck
        $matched | Should -HaveCount 2
        ($matched | ForEach-Object { [System.IO.Path]::GetFileName($_.Path) }) | Should -Be @('mainnet-chain4-h0-3.car', 'mainnet.car.zst')
    }

    It 'never matches the temporary file of a snapshot being written (or left by a killed process) with a wildcard' {
        $dir = Join-Path $TestDrive 'wild'
        $null = New-Item -ItemType Directory -Path $dir
        Copy-Item -LiteralPath $chain4 -Destination (Join-Path $dir 'snap.car')
        # half a file under the writer's temporary name, as kill -9 leaves it
        $bytes = [System.IO.File]::ReadAllBytes($chain4)
        [System.IO.File]::WriteAllBytes((Join-Path $dir "snap2.car.tmp-4000000-$([guid]::NewGuid().ToString('N'))"), $bytes[0..999])
        $r = @(Test-FilFilCar -Path (Join-Path $dir '*.car*'))
        $r | Should -HaveCount 1
        $r[0].Path | Should -Be (Join-Path $dir 'snap.car')
        $r[0].HashFailures | Should -Be 0
    }

    It 'reports a truncated CAR as InvalidData with the offset and goes on with the next file' {
        $bytes = [System.IO.File]::ReadAllBytes($chain4)
        $truncated = [System.IO.Path]::Combine($TestDrive, 'truncated.car')
        [System.IO.File]::WriteAllBytes($truncated, $bytes[0..99999])
        $results = Test-FilFilCar -LiteralPath $truncated, $chain4 -ErrorAction SilentlyContinue -ErrorVariable errs
        $results | Should -HaveCount 1
        $results[0].Path | Should -Be $chain4
        $errs | Should -HaveCount 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].TargetObject | Should -Be $truncated
        $errs[0].FullyQualifiedErrorId | Should -Match '^FormatError,FilFil\.PowerShell\.Commands\.TestFilFilCarCommand$'
        $errs[0].Exception.Message | Should -Match 'offset \d+'
        $errs[0].Exception | Should -BeOfType FilFil.Core.FilFilFormatException
        $errs[0].Exception.Offset | Should -BeGreaterThan 0
        $errs[0].Exception.Offset | Should -BeLessOrEqual 100000
    }

    It 'reports a missing file as ObjectNotFound' {
        $missing = [System.IO.Path]::Combine($TestDrive, 'no-such.car')
        $results = Test-FilFilCar -Path $missing, $genesis -SkipHashCheck -ErrorAction SilentlyContinue -ErrorVariable errs
        $results | Should -HaveCount 1
        $errs | Should -HaveCount 1
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be $missing
        $errs[0].FullyQualifiedErrorId | Should -Match '^FileNotFound,FilFil\.PowerShell\.Commands\.TestFilFilCarCommand$'
    }

    It 'stops with -ErrorAction Stop' {
        { Test-FilFilCar -LiteralPath ([System.IO.Path]::Combine($TestDrive, 'gone.car')) -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileNotFound,FilFil.PowerShell.Commands.TestFilFilCarCommand'
    }

    It 'finds a flipped byte as a hash failure' {
        $bytes = [System.IO.File]::ReadAllBytes($chain4)
        $bytes[$bytes.Length - 10] = $bytes[$bytes.Length - 10] -bxor 0xFF
        $bad = [System.IO.Path]::Combine($TestDrive, 'flipped.car')
        [System.IO.File]::WriteAllBytes($bad, $bytes)
        $r = Test-FilFilCar -LiteralPath $bad
        $r.HashFailures | Should -Be 1
        $r.FirstHashFailures | Should -HaveCount 1
        $r.Valid | Should -BeFalse
        (Test-FilFilCar -LiteralPath $bad -SkipHashCheck).Valid | Should -BeTrue
    }
}

Describe 'Module' {
    It 'exports the cmdlets of the manifest with help' {
        $cmd = Get-Command Test-FilFilCar
        $cmd.ModuleName | Should -Be 'FilFil'
        $cmd.OutputType.Type | Should -Contain ([FilFil.PowerShell.CarTestResult])
        $help = Get-Help Test-FilFilCar
        $help.Synopsis | Should -Match 'Checks CAR files'
        $help.Examples.Example | Should -Not -BeNullOrEmpty
        ($help.Parameters.Parameter | ForEach-Object { $_.Name }) | Should -Contain 'SkipHashCheck'
        (Get-Help Set-FilFilLogging).Synopsis | Should -Match 'engine log level'
    }

    It 'sets and reports the engine log settings' {
        $log = [System.IO.Path]::Combine($TestDrive, 'filfil.log')
        try {
            $s = Set-FilFilLogging -Level Debug -Path $log -PassThru
            $s | Should -BeOfType FilFil.PowerShell.FilFilLogSettings
            $s.Level | Should -Be 'Debug'
            $s.FilePath | Should -Be $log
            $null = Test-FilFilCar -LiteralPath $chain4 -SkipHashCheck
        }
        finally {
            $s = Set-FilFilLogging -Level Warning -Path '' -PassThru
        }
        $s.FilePath | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllText($log) | Should -Match 'inspecting'
    }

    It 'refuses a log path it cannot write, and keeps the settings it had' {
        $before = Set-FilFilLogging -Level Warning -PassThru
        foreach ($bad in @($TestDrive, '/proc/filfil.log')) {
            $err = $null
            Set-FilFilLogging -Level Debug -Path $bad -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1 -Because "$bad cannot be a log file"
        }
        $after = Set-FilFilLogging -Level Warning -PassThru
        $after.FilePath | Should -Be $before.FilePath
    }
}
