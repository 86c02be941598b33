<#
.SYNOPSIS
    Checks every CAR file (*.car, *.car.zst) in a folder with Test-FilFilCar and prints a table; exits 1 if any file
    is invalid or unreadable.
.EXAMPLE
    fil-fil -File examples/Test-Snapshots.ps1 ../shared/fixtures/filecoin
.EXAMPLE
    pwsh -c 'Import-Module ./FilFil.psd1; ./examples/Test-Snapshots.ps1 -Folder ../shared/fixtures/filecoin -SkipHashCheck'
.NOTES
    Uses only Microsoft.PowerShell.Core commands and .NET, so it runs in fil-fil as well as in pwsh.
#>
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [string]$Folder,

    [switch]$SkipHashCheck
)

if (-not (Get-Module FilFil)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'FilFil.psd1')) }

$full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Folder)
if (-not [System.IO.Directory]::Exists($full)) { throw "folder '$Folder' does not exist" }

$results = Test-FilFilCar -Path ([System.IO.Path]::Combine($full, '*.car*')) -SkipHashCheck:$SkipHashCheck -ErrorVariable failures
$results

$invalid = @($results | Where-Object { -not $_.Valid })
$blocks = 0
foreach ($r in $results) { $blocks += $r.Blocks }
Write-Host "$(@($results).Count) file(s), $blocks blocks, $($invalid.Count) invalid, $(@($failures).Count) unreadable"
if ($invalid.Count -gt 0 -or @($failures).Count -gt 0) { exit 1 }
