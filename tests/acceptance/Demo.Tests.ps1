# examples/demo.ps1, the README's main job: it runs in a fresh pwsh (-File, importing ./FilFil.psd1 itself) and in a
# session that has the module, and deletes its snapshot folder unless -Keep is given. The full-size run is tagged Slow.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
    $demo = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' 'examples' 'demo.ps1'))
    $small = @{ Epochs = 8; StateBlocks = 400; RecentStateRoots = 5 }
}

Describe 'examples/demo.ps1' {
    It 'runs in a fresh pwsh with -File and deletes the folder it created' {
        $out = Join-Path $TestDrive 'fresh'
        $run = Invoke-ChildPwsh -ArgumentList '-File', $demo, '-Epochs', 8, '-StateBlocks', 400, '-RecentStateRoots', 5, '-OutDir', $out
        $run.ExitCode | Should -Be 0 -Because $run.Log
        $run.Output | Should -Match 'verified: Ok=True'
        $run.Output | Should -Match '  v1   baga6ea4seaq'
        $run.Output | Should -Match ([regex]::Escape("deleted $out"))
        $out | Should -Not -Exist
    }

    It 'keeps the folder with the snapshot and its catalog when asked (-Keep), and restores FILFIL_HOME' {
        Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
        $env:FILFIL_HOME = 'before'
        try {
            $out = Join-Path $TestDrive 'kept'
            $lines = & $demo @small -OutDir $out -Keep
            $env:FILFIL_HOME | Should -Be 'before'
        }
        finally { $env:FILFIL_HOME = $null }
        ($lines -join "`n") | Should -Match ([regex]::Escape("files are in $out"))
        Get-ChildItem -Path $out -Filter 'devnet-*.car' | Should -HaveCount 1
        Join-Path $out 'catalog.json' | Should -Exist
    }

    It 'never deletes an -OutDir that existed before' {
        $out = Join-Path $TestDrive 'mine'
        $null = New-Item -ItemType Directory -Path $out
        Set-Content -Path (Join-Path $out 'notes.txt') -Value 'precious'
        $null = & $demo @small -OutDir $out
        Join-Path $out 'notes.txt' | Should -Exist
        Get-ChildItem -Path $out -Filter 'devnet-*.car' | Should -HaveCount 1
    }

    It 'runs at full size and leaves nothing in the temp directory' -Tag Slow {
        $run = Invoke-ChildPwsh -ArgumentList '-File', $demo
        $run.ExitCode | Should -Be 0 -Because $run.Log
        $run.Output | Should -Match 'verified: Ok=True'
        $deleted = [regex]::Match($run.Output, 'deleted (\S+filfil-demo-\d+)').Groups[1].Value
        $deleted | Should -Not -BeNullOrEmpty -Because $run.Log
        $deleted | Should -Not -Exist
    }
}
