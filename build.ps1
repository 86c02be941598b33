#Requires -Version 7.4
<#
.SYNOPSIS
    The one build entry of FilFil: Build, Test, Package, Demo.
.DESCRIPTION
    Build:   dotnet build FilFil.sln. The module lands in <repo>/bin and its help in <repo>/en-US, so
             Import-Module ./FilFil.psd1 works from the repository root.
    Test:    the xUnit suites (dotnet test tests/*/*.Tests.csproj), then tests/acceptance/*.Tests.ps1 under the pinned
             Pester (tests/Invoke-AcceptanceTests.ps1, in a child pwsh so this session does not load the module DLL).
             -IncludeSlow also runs the tests tagged Slow. bash test.sh runs the same plus the contract tests.
    Package: lays out the versioned module folder <OutputPath>/module/FilFil/<version>/ (FilFil.psd1, bin/ with the
             DLLs and FilFil.Format.ps1xml, en-US/ with the MAML help and about_FilFil, the license files), checks it
             with Test-ModuleManifest and publishes it with PSResourceGet (Publish-PSResource) to the local file
             repository <OutputPath>/repository, registered as -RepositoryName (FilFilLocal). Then:
             Install-PSResource FilFil -Repository FilFilLocal. Build first.
    Demo:    examples/demo.ps1 in a child pwsh (the end-to-end run on the embedded devnet).
    Tasks run in the order Build, Test, Package, Demo whatever the order given.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build, Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build, Package
    Install-PSResource FilFil -Repository FilFilLocal
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string] $OutputPath = (Join-Path $PSScriptRoot 'out'),

    [string] $RepositoryName = 'FilFilLocal',

    [switch] $IncludeSlow
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $Command, [string[]] $ArgumentList = @())
    Write-Host "$Command $($ArgumentList -join ' ')" -ForegroundColor Cyan
    & $Command @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$Command $($ArgumentList | Select-Object -First 1) failed with exit code $LASTEXITCODE" }
}

function Invoke-ChildPwsh {
    # The pwsh running this script, as a child process: `dotnet <PSHOME>/pwsh.dll` for the dotnet tool, else itself.
    param([Parameter(Mandatory)] [string[]] $ArgumentList)
    if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
        Invoke-Native ([Environment]::ProcessPath) (@(Join-Path $PSHOME 'pwsh.dll') + $ArgumentList)
    }
    else {
        Invoke-Native ([Environment]::ProcessPath) $ArgumentList
    }
}

function Invoke-BuildTask {
    Invoke-Native dotnet build, (Join-Path $PSScriptRoot 'FilFil.sln'), --configuration, $Configuration, -nologo
}

function Invoke-TestTask {
    $failures = @()
    foreach ($project in Get-ChildItem (Join-Path $PSScriptRoot 'tests' '*' '*.Tests.csproj')) {
        try { Invoke-Native dotnet test, $project.FullName, --configuration, $Configuration, --no-build, -nologo }
        catch { $failures += $project.BaseName }
    }
    Invoke-Native dotnet restore, (Join-Path $PSScriptRoot 'tests' 'tools' 'TestTools.csproj'), -nologo
    $acceptance = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'tests' 'Invoke-AcceptanceTests.ps1'))
    if ($IncludeSlow) { $acceptance += '-IncludeSlow' }
    try { Invoke-ChildPwsh $acceptance }
    catch { $failures += 'acceptance' }
    if ($failures) { throw "tests failed: $($failures -join ', ')" }
}

function Invoke-PackageTask {
    $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'FilFil.psd1')
    $bin = Join-Path $PSScriptRoot 'bin'
    if (-not (Test-Path (Join-Path $bin 'FilFil.PowerShell.dll'))) { throw "build first: $bin/FilFil.PowerShell.dll is missing" }

    $module = Join-Path $OutputPath 'module' 'FilFil' $manifest.ModuleVersion
    if (Test-Path $module) { Remove-Item $module -Recurse -Force }
    $null = New-Item -ItemType Directory -Path (Join-Path $module 'bin'), (Join-Path $module 'en-US') -Force
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'FilFil.psd1') -Destination $module
    Get-ChildItem -Path $PSScriptRoot -Filter 'LICENSE*' -File | Copy-Item -Destination $module
    # the assemblies and the views; not the symbols, the XML doc comments or the help copies the build leaves in bin/
    Get-ChildItem -LiteralPath $bin -File |
        Where-Object { $_.Extension -ne '.pdb' -and $_.Name -ne 'FilFil.PowerShell.xml' -and $_.Name -notlike '*-Help.xml' } |
        Copy-Item -Destination (Join-Path $module 'bin')
    Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'src' 'FilFil.PowerShell' 'en-US') -File |
        Copy-Item -Destination (Join-Path $module 'en-US')
    $checked = Test-ModuleManifest -Path (Join-Path $module 'FilFil.psd1')
    Write-Host "laid out $($checked.Name) $($checked.Version) in $module" -ForegroundColor Green

    $repository = Join-Path $OutputPath 'repository'
    $null = New-Item -ItemType Directory -Path $repository -Force
    Get-ChildItem -LiteralPath $repository -Filter "FilFil.$($manifest.ModuleVersion).nupkg" | Remove-Item
    $registered = Get-PSResourceRepository -Name $RepositoryName -ErrorAction SilentlyContinue
    $uri = [System.Uri]::new([System.IO.Path]::GetFullPath($repository)).AbsoluteUri
    if (-not $registered) {
        Register-PSResourceRepository -Name $RepositoryName -Uri $uri -Trusted
    }
    elseif ($registered.Uri.AbsoluteUri -ne $uri) {
        Set-PSResourceRepository -Name $RepositoryName -Uri $uri -Trusted
    }
    Publish-PSResource -Path $module -Repository $RepositoryName
    Write-Host "published to $repository (repository $RepositoryName): Install-PSResource FilFil -Repository $RepositoryName" -ForegroundColor Green
}

function Invoke-DemoTask {
    Invoke-ChildPwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'examples' 'demo.ps1')
}

foreach ($t in 'Build', 'Test', 'Package', 'Demo' | Where-Object { $Task -contains $_ }) {
    Write-Host "== $t ==" -ForegroundColor Yellow
    & "Invoke-$($t)Task"
}
