# Script analysis in place of PSScriptAnalyzer (not obtainable here): every .ps1 of examples/, tests/ and build.ps1
# parses without errors, calls commands by their full names (no aliases), and names the functions it defines with an
# approved verb (Get-Verb) and a noun.
BeforeDiscovery {
    $root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..'))
    $scripts = @(
        Get-ChildItem -LiteralPath (Join-Path $root 'examples'), (Join-Path $root 'tests') -Filter '*.ps1' -Recurse -File |
            Where-Object FullName -NotMatch '[\\/](bin|obj|node_modules)[\\/]'
        Get-Item -LiteralPath (Join-Path $root 'build.ps1')
    ) | ForEach-Object { @{ File = $_.FullName; Name = [System.IO.Path]::GetRelativePath($root, $_.FullName) } }
}

BeforeAll {
    $aliases = @{}
    Get-Alias | ForEach-Object { $aliases[$_.Name] = $_.Definition }
    $verbs = (Get-Verb).Verb

    function Get-ScriptProblem {
        param([Parameter(Mandatory)] [string] $Path)
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $tokens, [ref] $errors)
        foreach ($e in $errors) { "parse error at line $($e.Extent.StartLineNumber): $($e.Message)" }
        $commands = $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true)
        foreach ($c in $commands) {
            $name = $c.GetCommandName()
            if ($name -and $aliases.ContainsKey($name)) {
                "line $($c.Extent.StartLineNumber): alias '$name' (use $($aliases[$name]))"
            }
        }
        $functions = $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)
        foreach ($f in $functions) {
            $verb, $noun = $f.Name -split '-', 2
            if (-not $noun -or $verb -notin $verbs) {
                "line $($f.Extent.StartLineNumber): function '$($f.Name)' is not Verb-Noun with an approved verb (Get-Verb)"
            }
        }
    }
}

Describe 'Script analysis of <Name>' -ForEach $scripts {
    It 'parses, uses no aliases and only approved verbs' {
        Get-ScriptProblem -Path $File | Should -BeNullOrEmpty
    }
}

Describe 'The script analysis itself' {
    It 'finds a parse error, an alias and an unapproved verb' {
        $bad = Join-Path $TestDrive 'bad.ps1'
        Set-Content -LiteralPath $bad -Value @(
            'function Make-Thing { Get-ChildItem | select Name }'
            'function Step { }'
            'Write-Output (1 +'
        )
        $problems = @(Get-ScriptProblem -Path $bad)
        ($problems -match 'parse error') | Should -Not -BeNullOrEmpty -Because 'the last line is incomplete'
        ($problems -match "alias 'select'") | Should -HaveCount 1
        ($problems -match "function 'Make-Thing'") | Should -HaveCount 1
        ($problems -match "function 'Step'") | Should -HaveCount 1
    }

    It 'accepts full command names and approved verbs' {
        $good = Join-Path $TestDrive 'good.ps1'
        Set-Content -LiteralPath $good -Value 'function Get-Thing { Get-ChildItem | Select-Object -Property Name }'
        Get-ScriptProblem -Path $good | Should -BeNullOrEmpty
    }
}
