# The module as PowerShell users get it: build.ps1 -Task Package lays out the versioned module folder and publishes it
# with PSResourceGet to a local file repository; a fresh pwsh installs it from there with Install-PSResource, imports
# it by name and runs a cmdlet. The child pwsh gets a temporary HOME (and no XDG folders), so the repository registration
# and the CurrentUser install land in TestDrive, not in the user's configuration.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
    $root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..'))
    $manifest = Import-PowerShellDataFile (Join-Path $root 'FilFil.psd1')
    $chain4 = [System.IO.Path]::GetFullPath((Join-Path $root '..' 'shared' 'fixtures' 'filecoin' 'mainnet-chain4-h0-3.car'))
    $out = Join-Path $TestDrive 'out'
    $userHome = Join-Path $TestDrive 'home'
    $null = New-Item -ItemType Directory -Path $userHome

    if ($IsWindows) { return } # the CurrentUser scope is the Documents folder there, not redirectable by HOME

    $script = Join-Path $TestDrive 'install.ps1'
    Set-Content -LiteralPath $script -Value @'
param([string] $Build, [string] $Out, [string] $Car)
$ErrorActionPreference = 'Stop'
& $Build -Task Package -OutputPath $Out -RepositoryName FilFilTest
Install-PSResource -Name FilFil -Repository FilFilTest -Scope CurrentUser -TrustRepository
Import-Module FilFil
$module = Get-Module FilFil
$result = [pscustomobject]@{
    ModuleBase  = $module.ModuleBase
    Version     = $module.Version.ToString()
    Commands    = @((Get-Command -Module FilFil).Name)
    Description = (Get-Help New-FilFilSnapshot).Description.Text -join ' '
    Examples    = Get-Help Test-FilFilCar -Examples | Out-String
    About       = Get-Help about_FilFil | Out-String
    Blocks      = (Test-FilFilCar -LiteralPath $Car -SkipHashCheck).Blocks
}
'RESULT ' + ($result | ConvertTo-Json -Compress)
'@

    $child = Invoke-ChildPwsh -ArgumentList '-File', $script, '-Build', (Join-Path $root 'build.ps1'), '-Out', $out, '-Car', $chain4 `
        -WorkingDirectory $TestDrive -Environment @{
            HOME = $userHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null
        }
    $log = $child.Log
    $line = $child.Output -split '\r?\n' | Where-Object { $_.StartsWith('RESULT ') } | Select-Object -Last 1
    $installed = if ($line) { $line.Substring(7) | ConvertFrom-Json }
}

Describe 'build.ps1 -Task Package' -Skip:$IsWindows {
    It 'publishes FilFil to the local repository and installs it with Install-PSResource' {
        $installed | Should -Not -BeNullOrEmpty -Because $log
        $child.ExitCode | Should -Be 0 -Because $log
        Join-Path $out 'repository' "FilFil.$($manifest.ModuleVersion).nupkg" | Should -Exist
        $installed.ModuleBase | Should -BeLike "$userHome*" -Because 'the module must come from the temporary install, not the repository'
        $installed.ModuleBase | Should -Match "[\\/]FilFil[\\/]$([regex]::Escape($manifest.ModuleVersion))$"
        $installed.Version | Should -Be $manifest.ModuleVersion
    }

    It 'lays out a versioned module folder that Test-ModuleManifest accepts' {
        $module = Join-Path $out 'module' 'FilFil' $manifest.ModuleVersion
        foreach ($file in 'FilFil.psd1', 'LICENSE', 'bin/FilFil.PowerShell.dll', 'bin/FilFil.Core.dll', 'bin/FilFil.Format.ps1xml',
            'en-US/FilFil.PowerShell.dll-Help.xml', 'en-US/about_FilFil.help.txt') {
            Join-Path $module $file | Should -Exist
        }
        Get-ChildItem -LiteralPath $module -Recurse -Filter '*.pdb' | Should -BeNullOrEmpty
        (Test-ModuleManifest -Path (Join-Path $module 'FilFil.psd1')).Version | Should -Be $manifest.ModuleVersion
    }

    It 'imports the installed module by name, with every cmdlet, its help and about_FilFil' {
        ($installed.Commands | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        $installed.Description | Should -Match 'WalkSnapshot'
        $installed.Examples | Should -Match 'Example 1'
        $installed.About | Should -Match 'SHORT DESCRIPTION'
    }

    It 'runs a cmdlet of the installed module' {
        $installed.Blocks | Should -Be 1222
    }
}
