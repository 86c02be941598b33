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

# Help text: the engine's help views are not loaded under CreateDefault2, so the host renders MAML help objects itself.
function global:__FilFilHelpText {
    param([Parameter(Mandatory = $true)]$Help)
    $text = [System.Text.StringBuilder]::new()
    $paras = { param($d, $indent = '        ') (@($d) | ForEach-Object { if ($_ -and $_.Text) { $_.Text } }) -join "`n`n$indent" }
    $full = $Help.PSObject.TypeNames -contains 'MamlCommandHelpInfo#FullView' -or $Help.PSObject.TypeNames -contains 'MamlCommandHelpInfo#DetailedView'
    $null = $text.AppendLine("NAME`n    $($Help.Name)`n`nSYNOPSIS`n    $($Help.Synopsis)`n`nSYNTAX")
    foreach ($item in @($Help.syntax.syntaxItem)) {
        $parts = foreach ($p in @($item.parameter)) {
            $value = if ($p.parameterValue) { " <$($p.parameterValue)>" } else { '' }
            $name = if ($p.position -ne 'named' -and $value) { "[-$($p.name)]$value" } else { "-$($p.name)$value" }
            if ($p.required -eq 'true') { $name } else { "[$name]" }
        }
        $null = $text.AppendLine("    $($item.name) $($parts -join ' ') [<CommonParameters>]`n")
    }
    $null = $text.AppendLine("DESCRIPTION`n    $(& $paras $Help.description '    ')`n")
    if ($full) {
        $null = $text.AppendLine('PARAMETERS')
        foreach ($p in @($Help.parameters.parameter)) {
            $null = $text.AppendLine("    -$($p.name) <$($p.type.name)>`n        $(& $paras $p.description)")
            $null = $text.AppendLine("        Required: $($p.required); Position: $($p.position); Pipeline input: $($p.pipelineInput); Wildcards: $($p.globbing); Aliases: $($p.aliases)`n")
        }
        foreach ($o in @($Help.returnValues.returnValue)) { if ($o) { $null = $text.AppendLine("OUTPUTS`n    $($o.type.name)`n        $(& $paras $o.description)`n") } }
        foreach ($n in @($Help.alertSet.alert)) { if ($n) { $null = $text.AppendLine("NOTES`n    $(& $paras $n)`n") } }
    }
    $null = $text.AppendLine('EXAMPLES')
    foreach ($e in @($Help.examples.example)) {
        if ($e) { $null = $text.AppendLine("    $($e.title.Trim('- '))`n        PS> $($e.code -replace "`n", "`n        ")`n        $(& $paras $e.remarks)`n") }
    }
    if (-not $full) { $null = $text.AppendLine("    For parameters, outputs and notes: Get-Help $($Help.Name) -Full") }
    $text.ToString().TrimEnd()
}

# Between a command's output and Out-Default: help objects become text, everything else passes through.
function global:__FilFilOut {
    process {
        if ($null -ne $_ -and $_.PSObject.TypeNames -contains 'MamlCommandHelpInfo') { __FilFilHelpText $_ } else { $_ }
    }
}
