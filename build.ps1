#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and stages FilFil.
.DESCRIPTION
    Build: dotnet build FilFil.sln (the module lands in <repo>/bin, so Import-Module ./FilFil.psd1 works).
    Test:  dotnet test FilFil.sln (xUnit, including the in-process runner of tests/acceptance/*.Tests.ps1), then the
           same acceptance files under real Pester 5 when Pester is installed (in a child pwsh, so this session does
           not lock bin/FilFil.PowerShell.dll).
    Stage: out/FilFil/ = FilFil.psd1 + bin/ (ready for Publish-PSResource / Publish-Module) and out/packages/ = the
           fil-fil dotnet tool package.
    All:   Build, Test, Stage.
    Without pwsh the same steps are: dotnet build FilFil.sln; dotnet test FilFil.sln; dotnet pack src/FilFil.Cli.
.EXAMPLE
    ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task All -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Stage', 'All')]
    [string[]]$Task = 'All',

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Debug',

    [string]$OutputPath = (Join-Path $PSScriptRoot 'out')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$solution = Join-Path $PSScriptRoot 'FilFil.sln'

function Invoke-Dotnet {
    Write-Host "dotnet $($args -join ' ')" -ForegroundColor Cyan
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args[0]) failed with exit code $LASTEXITCODE" }
}

function Invoke-BuildTask {
    Invoke-Dotnet build $solution --configuration $Configuration
}

function Invoke-TestTask {
    Invoke-Dotnet test $solution --configuration $Configuration --no-build
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object Version -GE '5.0.0' | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed: the acceptance tests ran only under the in-process runner (dotnet test).'
        return
    }
    $acceptance = Join-Path $PSScriptRoot 'tests' 'acceptance'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module Pester -RequiredVersion $($pester.Version)
`$config = New-PesterConfiguration
`$config.Run.Path = '$($acceptance -replace "'", "''")'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$result = Invoke-Pester -Configuration `$config
exit `$result.FailedCount
"@
    Write-Host "Invoke-Pester $acceptance (Pester $($pester.Version), child pwsh)" -ForegroundColor Cyan
    & (Get-Process -Id $PID).Path -NoProfile -NonInteractive -Command $script
    if ($LASTEXITCODE -ne 0) { throw "Pester: $LASTEXITCODE failed test(s)" }
}

function Invoke-StageTask {
    $bin = Join-Path $PSScriptRoot 'bin'
    if (-not (Test-Path (Join-Path $bin 'FilFil.PowerShell.dll'))) { throw "build first: $bin/FilFil.PowerShell.dll is missing" }
    $module = Join-Path $OutputPath 'FilFil'
    if (Test-Path $module) { Remove-Item $module -Recurse -Force }
    $null = New-Item -ItemType Directory -Path (Join-Path $module 'bin') -Force
    Copy-Item (Join-Path $PSScriptRoot 'FilFil.psd1') $module
    Get-ChildItem $bin -Exclude '*.pdb', 'FilFil.PowerShell.xml' | Copy-Item -Destination (Join-Path $module 'bin') -Recurse
    $manifest = Test-ModuleManifest -Path (Join-Path $module 'FilFil.psd1')
    Write-Host "staged $($manifest.Name) $($manifest.Version) in $module" -ForegroundColor Green

    $packages = Join-Path $OutputPath 'packages'
    Invoke-Dotnet pack (Join-Path $PSScriptRoot 'src' 'FilFil.Cli') --configuration $Configuration --output $packages
}

$order = if ($Task -contains 'All') { 'Build', 'Test', 'Stage' } else { 'Build', 'Test', 'Stage' | Where-Object { $Task -contains $_ } }
foreach ($t in $order) {
    Write-Host "== $t ==" -ForegroundColor Yellow
    & "Invoke-$($t)Task"
}
