# Helper for acceptance files that need a fresh pwsh process (dot-source it in BeforeAll): the pwsh running the tests
# is started again (`dotnet <PSHOME>/pwsh.dll` for the dotnet tool, else itself) with -NoProfile -NonInteractive.
# Start-ChildPwsh starts it and returns the running process (stdout and stderr redirected); Invoke-ChildPwsh waits for it.
function Start-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        # variables to set in the child's environment; a $null value removes the variable
        [hashtable] $Environment = @{},
        [string] $WorkingDirectory = $PWD.ProviderPath
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
        $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
    }
    foreach ($a in @('-NoProfile', '-NonInteractive') + $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.Environment['NO_COLOR'] = '1'
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $psi.Environment.Remove($name) }
        else { $psi.Environment[$name] = $Environment[$name] }
    }
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($psi)
}

# Waits for a child started by Start-ChildPwsh: its exit code, its output and a log for -Because.
function Wait-ChildPwsh {
    param([Parameter(Mandatory)] [System.Diagnostics.Process] $Process)
    $process = $Process
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        Output   = $stdout
        # for -Because: without escape sequences, which would make the NUnit XML invalid
        Log      = "exit $($process.ExitCode)`n$stdout`n$($stderr.Result)" -replace '\x1b\[[0-9;]*[A-Za-z]', ''
    }
}

function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [hashtable] $Environment = @{},
        [string] $WorkingDirectory = $PWD.ProviderPath
    )
    Wait-ChildPwsh -Process (Start-ChildPwsh @PSBoundParameters)
}
