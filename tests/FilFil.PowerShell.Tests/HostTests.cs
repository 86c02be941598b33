using Xunit;

namespace FilFil.PowerShell.Tests;

/// <summary>The fil-fil executable as a child process: modes, formatting, errors on stderr, exit codes, verbs.</summary>
public sealed class HostTests
{
    private static string Chain4 => RepoPaths.Filecoin("mainnet-chain4-h0-3.car");

    [Fact]
    public void CommandFormatsOutputWithTheTableView()
    {
        var r = FilFilProcess.Run(null, "-Command", $"Test-FilFilCar -LiteralPath '{Chain4}'");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("HeadHeight", r.Stdout);
        Assert.Contains("mainnet-chain4-h0-3.car", r.Stdout);
        Assert.Matches(@"mainnet-chain4-h0-3\.car\s+CARv1 V1\s+1222\s+\d+\s+0\.\.3\s+3\s+0\s+True", r.Stdout);
        Assert.DoesNotContain("\u001b[", r.Stdout); // redirected output has no ANSI styling
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void PrimitivesPrintAsIs()
    {
        var r = FilFilProcess.Run(null, "-Command", "1 + 1; 'text'; Write-Output 'shim'");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["2", "text", "shim"], r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void ErrorRecordGoesToStderrWithCategoryAndExitCode1()
    {
        var r = FilFilProcess.Run(null, "-Command", $"Test-FilFilCar -LiteralPath /no/such.car, '{Chain4}'");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("ObjectNotFound", r.Stderr);
        Assert.Contains("Test-FilFilCar.FileNotFound", r.Stderr);
        Assert.Contains("mainnet-chain4-h0-3.car", r.Stdout); // the next file still ran
    }

    [Fact]
    public void TerminatingErrorGivesExitCode1()
    {
        var r = FilFilProcess.Run(null, "-Command", "'before'; throw 'boom'; 'after'");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("boom", r.Stderr);
        Assert.DoesNotContain("after", r.Stdout);
    }

    [Fact]
    public void ParseErrorGivesExitCode1()
    {
        var r = FilFilProcess.Run(null, "-Command", "if (");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ParserError", r.Stderr);
    }

    [Fact]
    public void FileBindsNamedAndPositionalArgumentsAndExitCode()
    {
        string script = Path.Combine(Path.GetTempPath(), $"filfil-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(script, "param([string]$Name, [int]$Count, [switch]$Loud, [Parameter(Position = 0)][string]$First)\n\"$First|$Name|$Count|$Loud\"\nif ($Count -eq 7) { exit 7 }\n");
        try
        {
            var r = FilFilProcess.Run(null, "-File", script, "-Name", "snap", "pos", "-Count:3", "-Loud");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("pos|snap|3|True", r.Stdout.Trim());
            var exit = FilFilProcess.Run(null, "-File", script, "-Count", "7");
            Assert.Equal(7, exit.ExitCode);
        }
        finally { File.Delete(script); }
    }

    [Fact]
    public void VerbAliasMapsKebabArguments()
    {
        var r = FilFilProcess.Run(null, "test-car", Chain4, "--skip-hash-check");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("not checked", r.Stdout);
    }

    [Fact]
    public void VerbWithoutItsCmdletGivesExitCode2()
    {
        var r = FilFilProcess.Run(null, "take-snapshot", "--out", "x.car");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("New-FilFilSnapshot is not available", r.Stderr);
        var unknown = FilFilProcess.Run(null, "frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown verb 'frobnicate'", unknown.Stderr);
        var badOption = FilFilProcess.Run(null, "--frobnicate");
        Assert.Equal(2, badOption.ExitCode);
    }

    [Fact]
    public void HelpAndVersion()
    {
        var help = FilFilProcess.Run(null, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("test-car", help.Stdout);
        Assert.Contains("Test-FilFilCar", help.Stdout);
        var version = FilFilProcess.Run(null, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^fil-fil \d+\.\d+\.\d+", version.Stdout);
    }

    [Fact]
    public void VerbosePassesThroughWithEngineLog()
    {
        var r = FilFilProcess.Run(null, "-Verbose", "-Command", $"Test-FilFilCar -LiteralPath '{Chain4}' -SkipHashCheck");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("VERBOSE: [Debug] Test-FilFilCar: inspecting", r.Stderr);
        var quiet = FilFilProcess.Run(null, "-Command", $"Test-FilFilCar -LiteralPath '{Chain4}' -SkipHashCheck");
        Assert.DoesNotContain("VERBOSE", quiet.Stderr);
    }

    [Fact]
    public void InteractivePromptReadsMultiLineInputUntilExit()
    {
        var r = FilFilProcess.Run("$x = 20\nif ($x -gt 10) {\n  'big'\n}\nWrite-Warning 'careful'\nexit 4\n'not reached'\n");
        Assert.True(r.ExitCode == 4, r.ToString());
        Assert.Contains("big", r.Stdout);
        Assert.Contains(">> ", r.Stdout);
        Assert.DoesNotContain("not reached", r.Stdout);
        Assert.Contains("WARNING: careful", r.Stderr);
    }

    [Fact]
    public void GetHelpFindsTheMamlHelp()
    {
        var r = FilFilProcess.Run(null, "-Command", "(Get-Help Test-FilFilCar).Synopsis");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("Checks CAR files", r.Stdout.Trim());
    }
}
