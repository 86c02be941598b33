# Every exported cmdlet is documented as pwsh shows it (Get-Help reads the MAML under the module base): a synopsis, a
# description, a description for each of its parameters, at least one example that runs it, and a docs/cmdlets page.
# The module exports exactly the cmdlets of its manifest, and about_FilFil is a help topic.
BeforeDiscovery {
    $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    $cmdlets = foreach ($name in $manifest.CmdletsToExport) { @{ Name = $name } }
}

BeforeAll {
    $root = Join-Path $PSScriptRoot '..' '..'
    $manifestPath = Join-Path $root 'FilFil.psd1'
    Import-Module $manifestPath
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Module FilFil' {
    It 'exports every cmdlet of the manifest, and only those' {
        $expected = (Import-PowerShellDataFile $manifestPath).CmdletsToExport
        $listed = Get-Command -Module FilFil
        $listed | Should -Not -BeNullOrEmpty
        ($listed | Where-Object CommandType -NE 'Cmdlet') | Should -BeNullOrEmpty
        ($listed.Name | Sort-Object) | Should -Be ($expected | Sort-Object)
    }

    It 'has a valid manifest' {
        $m = Test-ModuleManifest -Path $manifestPath
        $m.Name | Should -Be 'FilFil'
        $m.ExportedCmdlets.Count | Should -Be (Import-PowerShellDataFile $manifestPath).CmdletsToExport.Count
        $m.LicenseUri | Should -Not -BeNullOrEmpty
        Join-Path $root $m.LicenseUri.Segments[-1] | Should -Exist -Because 'the LicenseUri names a file of the repository'
    }

    It 'shows the about_FilFil topic' {
        $about = Get-Help about_FilFil
        $about | Should -Not -BeNullOrEmpty
        ($about | Out-String) | Should -Match 'SHORT DESCRIPTION'
        ($about | Out-String) | Should -Match 'New-FilFilSnapshot'
    }

    It 'names only exported cmdlets in its MAML, each once' {
        $maml = [xml](Get-Content -LiteralPath (Join-Path $root 'src' 'FilFil.PowerShell' 'en-US' 'FilFil.PowerShell.dll-Help.xml') -Raw)
        $named = @($maml.helpItems.command | ForEach-Object { $_.details.name.Trim() })
        $named | Should -Not -BeNullOrEmpty
        ($named | Group-Object | Where-Object Count -GT 1).Name | Should -BeNullOrEmpty
        $exported = (Get-Command -Module FilFil).Name
        ($named | Where-Object { $_ -notin $exported }) | Should -BeNullOrEmpty
    }
}

Describe 'Help of <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
    }

    It 'has a synopsis (not just the syntax)' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape("$Name ["))
        $help.Synopsis.Length | Should -BeGreaterOrEqual 10
    }

    It 'has a description' {
        ($help.Description.Text -join ' ').Length | Should -BeGreaterOrEqual 40
    }

    It 'describes every parameter, and no parameter it does not have' {
        $documented = @($help.Parameters.Parameter | Where-Object { $_ })
        foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $documented | Where-Object Name -EQ $p
            $entry | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a help entry"
            ($entry.Description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
        }
        foreach ($d in $documented.Name) {
            $command.Parameters.Keys | Should -Contain $d -Because "the help of $Name documents -$d"
        }
    }

    It 'has an example that runs it' {
        $examples = @($help.Examples.Example)
        $examples | Should -Not -BeNullOrEmpty
        ($examples.Code -join "`n") | Should -Match ([regex]::Escape($Name))
    }

    It 'shows full help and examples as text' {
        $full = Get-Help $Name -Full | Out-String
        $full | Should -Match 'DESCRIPTION'
        $full | Should -Match 'PARAMETERS'
        Get-Help $Name -Examples | Out-String | Should -Match 'Example 1'
    }

    It 'has a page in docs/cmdlets' {
        Join-Path $root 'docs' 'cmdlets' "$Name.md" | Should -Exist
    }
}
