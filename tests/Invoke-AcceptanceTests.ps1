#Requires -Version 7.4
<#
.SYNOPSIS
    Runs tests/acceptance/*.Tests.ps1 under the pinned Pester (tests/tools/TestTools.csproj) and writes its NUnit XML.
.DESCRIPTION
    Imports Pester from the NuGet package cache, where `dotnet restore tests/tools/TestTools.csproj` puts it (the
    version is read from that project, so it is pinned in one place), runs the acceptance files with detailed output
    (Pester's own summary ends the log), writes the NUnit 2.5 XML result and prints one last line
    "acceptance: N passed, N failed, N skipped, N not run" (failed counts failed tests, failed blocks and failed containers).
    Exits 0 only when nothing failed and something passed. Tests tagged Slow run only with -IncludeSlow.
    Run it in a fresh process (dotnet pwsh -NoProfile -File ...): the tests import the module DLL, which then stays
    loaded in that process.
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Invoke-AcceptanceTests.ps1
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Invoke-AcceptanceTests.ps1 -Path tests/acceptance/Car.Tests.ps1 -IncludeSlow
#>
[CmdletBinding()]
param(
    [string[]] $Path = (Join-Path $PSScriptRoot 'acceptance'),

    [string] $ResultPath = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' 'TestResults' 'acceptance.nunit.xml')),

    [switch] $IncludeSlow
)

$ErrorActionPreference = 'Stop'

$toolsProject = Join-Path $PSScriptRoot 'tools' 'TestTools.csproj'
$version = ([xml](Get-Content -LiteralPath $toolsProject -Raw)).Project.ItemGroup.PackageDownload |
    Where-Object Include -EQ 'Pester' | ForEach-Object { $_.Version.Trim('[', ']') }
$packages = $env:NUGET_PACKAGES
if (-not $packages) {
    $line = & dotnet nuget locals global-packages --list
    $packages = ($line -replace '^global-packages:\s*', '').Trim()
}
$pesterManifest = Join-Path $packages 'pester' $version 'tools' 'Pester.psd1'
if (-not (Test-Path -LiteralPath $pesterManifest)) {
    throw "Pester $version is not restored ($pesterManifest): run dotnet restore $toolsProject"
}
Import-Module $pesterManifest -RequiredVersion $version

$config = New-PesterConfiguration
$config.Run.Path = $Path -split ',' # pwsh -File passes a comma-separated list as one string
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ([Console]::IsOutputRedirected) { $config.Output.RenderMode = 'Plaintext' }
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath
if (-not $IncludeSlow) { $config.Filter.ExcludeTag = 'Slow' }
$null = New-Item -ItemType Directory -Path (Split-Path $ResultPath) -Force

Write-Host "Pester $version, $($Path -join ', ')$(if (-not $IncludeSlow) { ' (without -Tag Slow)' })"
try { $result = Invoke-Pester -Configuration $config }
catch {
    Write-Host "Invoke-Pester failed: $_"
    exit 1
}
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host "NUnit XML: $ResultPath"
Write-Host "acceptance: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped, $($result.NotRunCount) not run (filtered out)"
exit $(if ($failed -eq 0 -and $result.PassedCount -gt 0) { 0 } else { 1 })
