# fil-fil runs PowerShell with only the Microsoft.PowerShell.Core cmdlets (System.Management.Automation package).
# These small functions stand in for the most used Microsoft.PowerShell.Utility cmdlets when those are missing,
# so scripts written for pwsh run here too. They are defined only if the real cmdlet is absent.
$__ff_shims = @{
    'Write-Output'      = {
        param([Parameter(Position = 0, ValueFromPipeline = $true, ValueFromRemainingArguments = $true)][AllowNull()][AllowEmptyCollection()][object[]]$InputObject, [switch]$NoEnumerate)
        process { if ($NoEnumerate) { , $InputObject } else { $InputObject } }
    }
    'Write-Host'        = {
        param([Parameter(Position = 0, ValueFromPipeline = $true, ValueFromRemainingArguments = $true)][object]$Object, [switch]$NoNewline, [object]$Separator = ' ', [ConsoleColor]$ForegroundColor, [ConsoleColor]$BackgroundColor)
        process {
            $text = if ($Object -is [System.Collections.IEnumerable] -and $Object -isnot [string]) { ($Object | ForEach-Object { "$_" }) -join "$Separator" } else { "$Object" }
            if ($NoNewline) { $Host.UI.Write($text) } else { $Host.UI.WriteLine($text) }
        }
    }
    'Write-Verbose'     = {
        [CmdletBinding()] param([Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)][AllowEmptyString()][string]$Message)
        process { $PSCmdlet.WriteVerbose($Message) }
    }
    'Write-Debug'       = {
        [CmdletBinding()] param([Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)][AllowEmptyString()][string]$Message)
        process { $PSCmdlet.WriteDebug($Message) }
    }
    'Write-Warning'     = {
        [CmdletBinding()] param([Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)][AllowEmptyString()][string]$Message)
        process { $PSCmdlet.WriteWarning($Message) }
    }
    'Write-Information' = {
        [CmdletBinding()] param([Parameter(Mandatory = $true, Position = 0)][AllowNull()][object]$MessageData, [Parameter(Position = 1)][string[]]$Tags)
        process { $PSCmdlet.WriteInformation($MessageData, $Tags) }
    }
    'Write-Progress'    = {
        [CmdletBinding()] param([Parameter(Mandatory = $true, Position = 0)][string]$Activity, [Parameter(Position = 1)][string]$Status = 'Processing',
            [Parameter(Position = 2)][int]$Id = 0, [int]$PercentComplete = -1, [int]$SecondsRemaining = -1, [string]$CurrentOperation, [int]$ParentId = -1, [switch]$Completed)
        $r = [System.Management.Automation.ProgressRecord]::new($Id, $Activity, $Status)
        $r.PercentComplete = $PercentComplete; $r.SecondsRemaining = $SecondsRemaining; $r.ParentActivityId = $ParentId
        if ($CurrentOperation) { $r.CurrentOperation = $CurrentOperation }
        if ($Completed) { $r.RecordType = [System.Management.Automation.ProgressRecordType]::Completed }
        $PSCmdlet.WriteProgress($r)
    }
    'Read-Host'         = {
        param([Parameter(Position = 0, ValueFromRemainingArguments = $true)][object]$Prompt, [switch]$AsSecureString)
        if ($null -ne $Prompt) { $Host.UI.Write("$($Prompt -join ' '): ") }
        if ($AsSecureString) { $Host.UI.ReadLineAsSecureString() } else { $Host.UI.ReadLine() }
    }
}
foreach ($__ff_name in $__ff_shims.Keys) {
    if (-not (Get-Command -Name $__ff_name -CommandType Cmdlet -ErrorAction Ignore)) {
        $null = $ExecutionContext.InvokeProvider.Item.Set("function:global:$__ff_name", $__ff_shims[$__ff_name])
    }
}
$ExecutionContext.SessionState.PSVariable.Remove('__ff_shims')
$ExecutionContext.SessionState.PSVariable.Remove('__ff_name')
