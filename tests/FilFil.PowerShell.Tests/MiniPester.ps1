# MiniPester: the subset of Pester 5 that FilFil's acceptance tests use, for engines without Pester (the in-process
# runner of FilFil.PowerShell.Tests only has Microsoft.PowerShell.Core). Pester 5 semantics:
# - Discovery then Run. Describe/Context bodies run at discovery (they register BeforeAll/It/... and nested blocks);
#   variables set there are NOT visible when tests run (use BeforeAll).
# - Each block runs in a new scope: its BeforeAll blocks are dot-sourced there (visible to nested blocks and Its),
#   AfterAll runs at the end of the block. Each It runs in a new child scope with BeforeEach (outermost first), the
#   body, AfterEach (innermost first, also after a failure). An It fails on the first failed Should or any exception.
# - It -Skip, It -TestCases/-ForEach (hashtables; keys become variables and bind to the body's param()),
#   $TestDrive (a temp folder per file, removed afterwards).
# Stricter than Pester: an It also fails when an error record is written to the error stream during it.
# Invoke-MiniPester -Path <file> returns one result per It: Line, Name, Path, Result (Passed/Failed/Skipped), Message.

function global:__MP-NewBlock([string]$Kind, [string]$Name, $Parent, [int]$Line) {
    [pscustomobject]@{
        Kind = $Kind; Name = $Name; Parent = $Parent; Line = $Line
        BeforeAll = [System.Collections.Generic.List[scriptblock]]::new()
        AfterAll = [System.Collections.Generic.List[scriptblock]]::new()
        BeforeEach = [System.Collections.Generic.List[scriptblock]]::new()
        AfterEach = [System.Collections.Generic.List[scriptblock]]::new()
        Items = [System.Collections.Generic.List[object]]::new()
    }
}

function global:__MP-State {
    if ($null -eq $global:__MiniPester) { throw 'Describe/It/BeforeAll... must run under Invoke-MiniPester' }
    $global:__MiniPester
}

function global:__MP-AddBlock([string]$Kind, [string]$Name, [scriptblock]$Fixture, [int]$Line) {
    $s = __MP-State
    if ($s.Phase -ne 'Discovery') { throw "$Kind '$Name' cannot be used inside It, BeforeAll or other setup blocks" }
    if ($null -eq $Fixture) { throw "$Kind '$Name' has no script block" }
    $b = __MP-NewBlock $Kind $Name $s.Current $Line
    $s.Current.Items.Add($b)
    $s.Current = $b
    try { $null = . $Fixture }
    catch { $s.FileErrors.Add("discovery of $Kind '$Name' failed at line $($_.InvocationInfo.ScriptLineNumber): $($_.Exception.Message)") }
    finally { $s.Current = $b.Parent }
}

function global:Describe {
    param([Parameter(Mandatory = $true, Position = 0)][string]$Name, [Parameter(Position = 1)][scriptblock]$Fixture, [string[]]$Tag)
    __MP-AddBlock 'Describe' $Name $Fixture $MyInvocation.ScriptLineNumber
}

function global:Context {
    param([Parameter(Mandatory = $true, Position = 0)][string]$Name, [Parameter(Position = 1)][scriptblock]$Fixture, [string[]]$Tag)
    __MP-AddBlock 'Context' $Name $Fixture $MyInvocation.ScriptLineNumber
}

function global:It {
    param([Parameter(Mandatory = $true, Position = 0)][string]$Name, [Parameter(Position = 1)][scriptblock]$Test,
        [Alias('ForEach')][object[]]$TestCases, [switch]$Skip, [switch]$Pending, [string[]]$Tag)
    $s = __MP-State
    if ($s.Phase -ne 'Discovery') { throw "It '$Name' cannot be used inside another It or a setup block" }
    if ($null -eq $s.Current.Parent) { throw "It '$Name' must be inside a Describe block" }
    if ($null -eq $Test -and -not ($Skip -or $Pending)) { throw "It '$Name' has no script block" }
    $s.Current.Items.Add([pscustomobject]@{
            Kind = 'It'; Name = $Name; Body = $Test; Line = $MyInvocation.ScriptLineNumber; Skip = [bool]($Skip -or $Pending)
            TestCases = $TestCases; Block = $s.Current
        })
}

function global:__MP-AddSetup([string]$Which, [scriptblock]$Block) {
    $s = __MP-State
    if ($s.Phase -ne 'Discovery') { throw "$Which cannot be used inside It or another setup block" }
    $s.Current.$Which.Add($Block)
}

function global:BeforeAll { param([Parameter(Mandatory = $true, Position = 0)][scriptblock]$Scriptblock) __MP-AddSetup 'BeforeAll' $Scriptblock }
function global:AfterAll { param([Parameter(Mandatory = $true, Position = 0)][scriptblock]$Scriptblock) __MP-AddSetup 'AfterAll' $Scriptblock }
function global:BeforeEach { param([Parameter(Mandatory = $true, Position = 0)][scriptblock]$Scriptblock) __MP-AddSetup 'BeforeEach' $Scriptblock }
function global:AfterEach { param([Parameter(Mandatory = $true, Position = 0)][scriptblock]$Scriptblock) __MP-AddSetup 'AfterEach' $Scriptblock }

function global:__MP-PathOf($Block) {
    $names = [System.Collections.Generic.List[string]]::new()
    for ($b = $Block; $null -ne $b.Parent; $b = $b.Parent) { $names.Insert(0, $b.Name) }
    $names -join ' > '
}

function global:__MP-Record($Test, [string]$Result, [string]$Message) {
    (__MP-State).Results.Add([pscustomobject]@{
            Line = $Test.Line; Name = $Test.Name; Path = "$(__MP-PathOf $Test.Block) > $($Test.Name)"; Result = $Result; Message = $Message
        })
}

function global:__MP-Describe($ErrorRecord) {
    $at = if ($ErrorRecord.Exception.Data.Contains('MiniPesterLine')) { " (line $($ErrorRecord.Exception.Data['MiniPesterLine']))" }
    elseif ($ErrorRecord.InvocationInfo -and $ErrorRecord.InvocationInfo.ScriptLineNumber) { " (line $($ErrorRecord.InvocationInfo.ScriptLineNumber))" } else { '' }
    $text = if ($ErrorRecord.ErrorDetails -and $ErrorRecord.ErrorDetails.Message) { $ErrorRecord.ErrorDetails.Message } else { $ErrorRecord.Exception.Message }
    "$text$at"
}

function global:__MP-FailAll($Block, [string]$Why) {
    foreach ($i in $Block.Items) {
        if ($i.Kind -eq 'It') { if ($i.Skip) { __MP-Record $i 'Skipped' '' } else { __MP-Record $i 'Failed' $Why } }
        else { __MP-FailAll $i $Why }
    }
}

function global:__MP-RunBlock($Block) {
    & {
        param($__mp_block)
        $__mp_setupFailure = $null
        try { foreach ($__mp_sb in $__mp_block.BeforeAll) { $null = . $__mp_sb } }
        catch { $__mp_setupFailure = "BeforeAll failed: $(__MP-Describe $_)" }
        foreach ($__mp_item in $__mp_block.Items) {
            if ($__mp_setupFailure) {
                if ($__mp_item.Kind -eq 'It') { if ($__mp_item.Skip) { __MP-Record $__mp_item 'Skipped' '' } else { __MP-Record $__mp_item 'Failed' $__mp_setupFailure } }
                else { __MP-FailAll $__mp_item $__mp_setupFailure }
            }
            elseif ($__mp_item.Kind -eq 'It') { __MP-RunTest $__mp_item }
            else { __MP-RunBlock $__mp_item }
        }
        foreach ($__mp_sb in $__mp_block.AfterAll) {
            try { $null = . $__mp_sb }
            catch { (__MP-State).FileErrors.Add("AfterAll of '$(__MP-PathOf $__mp_block)' failed: $(__MP-Describe $_)") }
        }
    } $Block
}

function global:__MP-EachChain($Block, [string]$Which) {
    $chain = [System.Collections.Generic.List[scriptblock]]::new()
    for ($b = $Block; $null -ne $b; $b = $b.Parent) { $chain.InsertRange(0, $b.$Which) }
    if ($Which -eq 'AfterEach') { $chain.Reverse() }
    , $chain
}

function global:__MP-RunTest($Test) {
    if ($Test.Skip) { __MP-Record $Test 'Skipped' ''; return }
    $cases = if ($null -ne $Test.TestCases -and @($Test.TestCases).Count -gt 0) { @($Test.TestCases) } else { @(@{}) }
    $failures = [System.Collections.Generic.List[string]]::new()
    foreach ($case in $cases) {
        if ($case -isnot [System.Collections.IDictionary]) { $failures.Add("test case is not a hashtable: $case"); continue }
        $before = __MP-EachChain $Test.Block 'BeforeEach'
        $after = __MP-EachChain $Test.Block 'AfterEach'
        $output = & {
            param($__mp_test, $__mp_case, $__mp_before, $__mp_after)
            $__mp_error = $null
            try {
                foreach ($__mp_kv in $__mp_case.GetEnumerator()) { $ExecutionContext.SessionState.PSVariable.Set([string]$__mp_kv.Key, $__mp_kv.Value) }
                foreach ($__mp_sb in $__mp_before) { $null = . $__mp_sb }
                if ($__mp_test.Body.Ast.ParamBlock) { $null = . $__mp_test.Body @__mp_case } else { $null = . $__mp_test.Body }
            }
            catch { $__mp_error = $_ }
            foreach ($__mp_sb in $__mp_after) {
                try { $null = . $__mp_sb }
                catch { if ($null -eq $__mp_error) { $__mp_error = $_ } }
            }
            [pscustomobject]@{ __mp_done = $true; Error = $__mp_error }
        } $Test $case $before $after 2>&1
        $label = if ($case.Count -gt 0) { " [case $(($case.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ', ')]" } else { '' }
        foreach ($o in $output) {
            if ($o -is [System.Management.Automation.ErrorRecord]) { $failures.Add("error record written$($label): $(__MP-Describe $o)") }
            elseif ($o.__mp_done -and $null -ne $o.Error) { $failures.Add("$(__MP-Describe $o.Error)$label") }
        }
    }
    if ($failures.Count -gt 0) { __MP-Record $Test 'Failed' ($failures -join "`n") } else { __MP-Record $Test 'Passed' '' }
}

function global:Invoke-MiniPester {
    param([Parameter(Mandatory = $true)][string]$Path)
    $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    $root = __MP-NewBlock 'File' ([System.IO.Path]::GetFileName($full)) $null 0
    $global:__MiniPester = [pscustomobject]@{
        Phase = 'Discovery'; Root = $root; Current = $root
        Results = [System.Collections.Generic.List[object]]::new(); FileErrors = [System.Collections.Generic.List[string]]::new()
    }
    $drive = [System.IO.Directory]::CreateTempSubdirectory('minipester-').FullName
    $global:TestDrive = $drive
    try {
        try { $null = & { . $args[0] } $full }
        catch { $global:__MiniPester.FileErrors.Add("discovery failed: $(__MP-Describe $_)") }
        $global:__MiniPester.Phase = 'Run'
        __MP-RunBlock $root
        [pscustomobject]@{ Results = $global:__MiniPester.Results.ToArray(); FileErrors = $global:__MiniPester.FileErrors.ToArray() }
    }
    finally {
        $global:__MiniPester = $null
        try { [System.IO.Directory]::Delete($drive, $true) } catch { }
    }
}

# ---- Should ------------------------------------------------------------------------------------------------------

function global:__MP-Fmt($Value) {
    if ($null -eq $Value) { return '$null' }
    if ($Value -is [string]) { return "'$Value'" }
    if ($Value -is [bool]) { return "`$$Value".ToLowerInvariant() }
    if ($Value -is [System.Collections.IEnumerable] -and $Value -isnot [System.Collections.IDictionary]) {
        return '@(' + ((@($Value) | ForEach-Object { __MP-Fmt $_ }) -join ', ') + ')'
    }
    "$Value"
}

function global:__MP-IsArray($Value) { $null -ne $Value -and $Value -is [System.Collections.IEnumerable] -and $Value -isnot [string] -and $Value -isnot [System.Collections.IDictionary] }

function global:__MP-NullOrEmpty($Value) {
    if ($null -eq $Value) { return $true }
    if ($Value -is [string]) { return $Value.Length -eq 0 }
    if ($Value -is [System.Collections.ICollection]) { return $Value.Count -eq 0 -or ($Value.Count -eq 1 -and $null -eq @($Value)[0]) }
    $false
}

function global:__MP-ArrayEmpty([object[]]$Array) { $null -eq $Array -or 0 -eq $Array.Count -or (1 -eq $Array.Count -and $null -eq $Array[0]) }

# Pester's ArraysAreEqual: scalars compare with -eq (or -ceq), collections element by element.
function global:__MP-Equal($First, $Second, [bool]$CaseSensitive) {
    $firstEmpty = __MP-ArrayEmpty @($First)
    $secondEmpty = __MP-ArrayEmpty @($Second)
    if ($firstEmpty -or $secondEmpty) { return $firstEmpty -and $secondEmpty }
    $a = @($First); $b = @($Second)
    if ($a.Count -ne $b.Count) { return $false }
    for ($i = 0; $i -lt $a.Count; $i++) {
        if ((__MP-IsArray $a[$i]) -or (__MP-IsArray $b[$i])) { if (-not (__MP-Equal $a[$i] $b[$i] $CaseSensitive)) { return $false } }
        elseif ($CaseSensitive) { if ($a[$i] -cne $b[$i]) { return $false } }
        elseif ($a[$i] -ne $b[$i]) { return $false }
    }
    $true
}

function global:__MP-Fail([string]$Message, $Actual, $Invocation) {
    $ex = [System.Exception]::new($Message)
    $ex.Data['MiniPesterLine'] = $Invocation.ScriptLineNumber
    throw [System.Management.Automation.ErrorRecord]::new($ex, 'PesterAssertionFailed', 'InvalidResult', $Actual)
}

function global:Should {
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline = $true)][AllowNull()][AllowEmptyCollection()][AllowEmptyString()][object]$ActualValue,
        [Parameter(Position = 0)][AllowNull()][AllowEmptyCollection()][AllowEmptyString()][Alias('Expected', 'ExpectedType', 'RegularExpression')][object]$ExpectedValue,
        [switch]$Not,
        [switch]$Be, [switch]$BeExactly, [switch]$BeNullOrEmpty, [switch]$BeTrue, [switch]$BeFalse, [switch]$BeOfType,
        [switch]$BeGreaterThan, [switch]$BeLessThan, [switch]$BeGreaterOrEqual, [switch]$BeLessOrEqual,
        [switch]$Match, [switch]$Contain, [switch]$HaveCount, [switch]$Throw, [switch]$Exist,
        [string]$Because, [string]$ExpectedMessage, [string]$ErrorId, [type]$ExceptionType, [switch]$PassThru
    )
    begin {
        $piped = -not $PSBoundParameters.ContainsKey('ActualValue')
        $items = [System.Collections.Generic.List[object]]::new()
    }
    process { if ($piped) { $items.Add($ActualValue) } }
    end {
        if ($piped) {
            if ($items.Count -eq 0) { $actual = [object[]]@() }
            elseif ($items.Count -eq 1) { $actual = $items[0] }
            else { $actual = $items.ToArray() }
        }
        else { $actual = $ActualValue }
        $ops = @('Be', 'BeExactly', 'BeNullOrEmpty', 'BeTrue', 'BeFalse', 'BeOfType', 'BeGreaterThan', 'BeLessThan', 'BeGreaterOrEqual',
            'BeLessOrEqual', 'Match', 'Contain', 'HaveCount', 'Throw', 'Exist') | Where-Object { $PSBoundParameters.ContainsKey($_) }
        if (@($ops).Count -ne 1) { throw "Should needs exactly one operator (-Be, -BeExactly, -HaveCount, ...), got: $(@($ops) -join ', ')" }
        $op = @($ops)[0]
        $exp = $ExpectedValue
        $shown = __MP-Fmt $actual
        $ok = $false; $msg = ''; $notMsg = ''
        switch ($op) {
            'Be' { $ok = __MP-Equal $actual $exp $false; $msg = "Expected $(__MP-Fmt $exp), but got $shown."; $notMsg = "Expected $(__MP-Fmt $exp) to be different from the actual value, but got the same value." }
            'BeExactly' { $ok = __MP-Equal $actual $exp $true; $msg = "Expected exactly $(__MP-Fmt $exp), but got $shown."; $notMsg = "Expected not exactly $(__MP-Fmt $exp), but got the same value." }
            'BeNullOrEmpty' { $ok = __MP-NullOrEmpty $actual; $msg = "Expected `$null or empty, but got $shown."; $notMsg = 'Expected a value, but got $null or empty.' }
            'BeTrue' { $ok = [bool]$actual; $msg = "Expected `$true, but got $shown."; $notMsg = "Expected not `$true, but got $shown." }
            'BeFalse' { $ok = -not $actual; $msg = "Expected `$false, but got $shown."; $notMsg = "Expected not `$false, but got $shown." }
            'BeOfType' {
                $type = if ($exp -is [type]) { $exp } else { ([string]$exp).Trim('[', ']') -as [type] }
                if ($null -eq $type) { throw "Should -BeOfType: unknown type $(__MP-Fmt $exp)" }
                $ok = $actual -is $type
                $actualType = if ($null -eq $actual) { '$null' } else { "[$($actual.GetType().FullName)]" }
                $msg = "Expected the value to have type [$($type.FullName)] or any of its subtypes, but got $shown with type $actualType."
                $notMsg = "Expected the value to not have type [$($type.FullName)] or any of its subtypes, but got $shown with type $actualType."
            }
            'BeGreaterThan' { $ok = $actual -gt $exp; $msg = "Expected the actual value to be greater than $(__MP-Fmt $exp), but got $shown."; $notMsg = "Expected the actual value to be less than or equal to $(__MP-Fmt $exp), but got $shown." }
            'BeLessThan' { $ok = $actual -lt $exp; $msg = "Expected the actual value to be less than $(__MP-Fmt $exp), but got $shown."; $notMsg = "Expected the actual value to be greater than or equal to $(__MP-Fmt $exp), but got $shown." }
            'BeGreaterOrEqual' { $ok = $actual -ge $exp; $msg = "Expected the actual value to be greater than or equal to $(__MP-Fmt $exp), but got $shown."; $notMsg = "Expected the actual value to be less than $(__MP-Fmt $exp), but got $shown." }
            'BeLessOrEqual' { $ok = $actual -le $exp; $msg = "Expected the actual value to be less than or equal to $(__MP-Fmt $exp), but got $shown."; $notMsg = "Expected the actual value to be greater than $(__MP-Fmt $exp), but got $shown." }
            'Match' { $ok = [bool]($actual -match $exp); $msg = "Expected regular expression $(__MP-Fmt $exp) to match $shown, but it did not match."; $notMsg = "Expected regular expression $(__MP-Fmt $exp) to not match $shown, but it did match." }
            'Contain' { $ok = @($actual) -contains $exp; $msg = "Expected $(__MP-Fmt $exp) to be found in collection $shown, but it was not found."; $notMsg = "Expected $(__MP-Fmt $exp) to not be found in collection $shown, but it was found." }
            'HaveCount' {
                $count = if ($null -eq $actual) { 0 } else { @($actual).Count }
                $ok = $count -eq $exp
                $msg = "Expected a collection with size $exp, but got collection with size $count $shown."
                $notMsg = "Expected a collection with size different from $exp, but got collection with that size $shown."
            }
            'Exist' {
                $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath([string]$actual)
                $ok = [System.IO.File]::Exists($full) -or [System.IO.Directory]::Exists($full)
                $msg = "Expected path $shown to exist, but it did not exist."; $notMsg = "Expected path $shown to not exist, but it did exist."
            }
            'Throw' {
                if ($actual -isnot [scriptblock]) { throw "Should -Throw needs a script block as actual value, got $shown" }
                $thrown = $null
                try { $null = & $actual } catch { $thrown = $_ }
                $like = if ($ExpectedMessage) { $ExpectedMessage } elseif ($null -ne $exp) { [string]$exp } else { '' }
                if ($Not) {
                    if ($null -ne $thrown) { $m = "Expected no exception to be thrown, but an exception `"$($thrown.Exception.Message)`" was thrown$(if ($thrown.InvocationInfo) { " from line $($thrown.InvocationInfo.ScriptLineNumber)" })."; $ok = $false }
                    else { $ok = $true }
                }
                else {
                    $ok = $true
                    if ($null -eq $thrown) { $ok = $false; $m = 'Expected an exception to be thrown, but no exception was thrown.' }
                    else {
                        $text = $thrown.Exception.Message
                        $details = if ($thrown.ErrorDetails) { $thrown.ErrorDetails.Message } else { $null }
                        if ($ExceptionType -and $thrown.Exception -isnot $ExceptionType) { $ok = $false; $m = "Expected an exception of type [$($ExceptionType.FullName)] to be thrown, but got [$($thrown.Exception.GetType().FullName)]: '$text'." }
                        elseif ($like -and $text -notlike $like -and -not ($details -and $details -like $like)) { $ok = $false; $m = "Expected an exception with message like '$like' to be thrown, but the message was '$text'." }
                        elseif ($ErrorId -and $thrown.FullyQualifiedErrorId -notlike "*$ErrorId*") { $ok = $false; $m = "Expected an exception with FullyQualifiedErrorId '$ErrorId' to be thrown, but the FullyQualifiedErrorId was '$($thrown.FullyQualifiedErrorId)'." }
                    }
                }
                if (-not $ok) {
                    if ($Because) { $m = "$m Because: $Because" }
                    __MP-Fail $m $actual $MyInvocation
                }
                if ($PassThru -and -not $Not) { $thrown }
                return
            }
        }
        if ($Not) { $ok = -not $ok; $msg = $notMsg }
        if (-not $ok) {
            if ($Because) { $msg = "$msg Because: $Because" }
            __MP-Fail $msg $actual $MyInvocation
        }
    }
}
