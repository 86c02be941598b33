@{
    # FilFil: incentivized Filecoin chain snapshots. Binary module; build with `dotnet build` (or ./build.ps1) first.
    RootModule           = 'bin/FilFil.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'ae9ec4df-c2f2-498c-8b4a-2dcab573a962'
    Author               = 'FilFil'
    CompanyName          = 'FilFil'
    Copyright            = '(c) FilFil contributors. Apache-2.0 OR MIT.'
    Description          = 'Fast Filecoin chain snapshots from an in-memory follower, piece commitments, CAR tools, a local Lotus-compatible devnet, and deal-making for storage providers.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('bin/FilFil.Format.ps1xml')
    CmdletsToExport      = @(
        'Test-FilFilCar'
        'Get-FilFilConfig'
        'Set-FilFilConfig'
        'Get-FilFilPieceCid'
        'Start-FilFilDevnet'
        'Stop-FilFilDevnet'
        'Get-FilFilDevnet'
        'Step-FilFilDevnet'
        'Import-FilFilSnapshot'
        'New-FilFilSnapshot'
        'Get-FilFilSnapshot'
        'Test-FilFilSnapshot'
        'Start-FilFilFollower'
        'Stop-FilFilFollower'
        'Get-FilFilFollower'
        'Wait-FilFilHeight'
        'Clear-FilFilEngine'
        'Set-FilFilLogging'
        'Start-FilFilServer'
        'Stop-FilFilServer'
        'Get-FilFilServer'
        'Publish-FilFilCommP'
        'Get-FilFilSlot'
        'Get-FilFilParameter'
        'Set-FilFilParameter'
        'Add-FilFilReward'
        'Suspend-FilFilDealClient'
        'Resume-FilFilDealClient'
        'Register-FilFilProvider'
        'Unregister-FilFilProvider'
        'Get-FilFilProvider'
        'Receive-FilFilReward'
        'Invoke-FilFilPoke'
        'Request-FilFilOffer'
        'Get-FilFilWindow'
        'Wait-FilFilWindow'
        'Submit-FilFilDeal'
        'Get-FilFilDeal'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Filecoin', 'Lotus', 'Snapshot', 'CAR', 'CommP', 'IPLD', 'StorageProvider')
            ProjectUri   = 'https://github.com/filfil/filfil'
            LicenseUri   = 'https://github.com/filfil/filfil/blob/main/LICENSE'
        }
    }
}
