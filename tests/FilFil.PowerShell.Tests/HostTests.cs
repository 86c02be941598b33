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
        // `store` maps to Submit-FilFilDeal, which the deal-making work has not added yet.
        var r = FilFilProcess.Run(null, "store", "--slot", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Submit-FilFilDeal is not available", r.Stderr);
        // `take-snapshot` exists: without a loaded chain it is an ordinary cmdlet error (exit 1), nothing written.
        var noChain = FilFilProcess.Run(null, "take-snapshot", "--path", "never-written.car");
        Assert.Equal(1, noChain.ExitCode);
        Assert.Contains("no chain is loaded", noChain.Stderr);
        var unknown = FilFilProcess.Run(null, "frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown verb 'frobnicate'", unknown.Stderr);
        var badOption = FilFilProcess.Run(null, "--frobnicate");
        Assert.Equal(2, badOption.ExitCode);
    }

    [Fact]
    public void TakeSnapshotRunsAloneFromABootstrapSnapshot()
    {
        string dir = Directory.CreateTempSubdirectory("filfil-oneshot-").FullName;
        try
        {
            var env = new Dictionary<string, string?> { ["FILFIL_HOME"] = Path.Combine(dir, "home") };
            string output = Path.Combine(dir, "h3.car");
            // a fresh process holds no chain: --bootstrap imports one, then the snapshot is written from it
            var r = FilFilProcess.Run(null, env, "take-snapshot", "--bootstrap", Chain4, "--path", output, "--recent-state-roots", "0");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(File.ReadAllBytes(Chain4), File.ReadAllBytes(output));
            Assert.Contains("h3.car", r.Stdout);
            Assert.Equal("", r.Stderr);

            // with a chain already loaded, --bootstrap is refused rather than ignored, and nothing is written
            string refused = Path.Combine(dir, "refused.car");
            var again = FilFilProcess.Run(null, env, "-Command",
                $"Import-FilFilSnapshot -LiteralPath '{Chain4}' | Out-Null; New-FilFilSnapshot -Path '{refused}' -Bootstrap '{Chain4}'");
            Assert.True(again.ExitCode == 1, again.ToString());
            Assert.Contains("InvalidOperation", again.Stderr);
            Assert.Contains("New-FilFilSnapshot.ChainAlreadyLoaded", again.Stderr);
            Assert.False(File.Exists(refused));
        }
        finally { Directory.Delete(dir, recursive: true); }
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
        var text = FilFilProcess.Run(null, "-Command", "Get-Help Set-FilFilLogging -Full");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("SYNOPSIS\n    Sets the FilFil engine log level and log file.", text.Stdout.Replace("\r", ""));
        Assert.Contains("Set-FilFilLogging [[-Level] <LogEventLevel>] [-Path <String>] [-PassThru]", text.Stdout);
        Assert.Contains("    -Path <String>", text.Stdout);
        Assert.Contains("PS> Set-FilFilLogging -Level Debug -Path ./filfil.log", text.Stdout);
    }

    [Fact]
    public void ExampleScriptRunsUnderTheHost()
    {
        string example = Path.Combine(RepoPaths.Root, "examples", "Test-Snapshots.ps1");
        var r = FilFilProcess.Run(null, "-File", example, Path.GetDirectoryName(Chain4)!, "-SkipHashCheck");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("3 file(s), 3651 blocks, 0 invalid, 0 unreadable", r.Stdout);
        Assert.Contains("calibnet.car.zst", r.Stdout);
    }

    [Fact]
    public async Task DevnetVerbRunsUntilCtrlCThenStops()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT delivery below is POSIX-only
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(RepoPaths.FilFilDll);
        psi.ArgumentList.Add("devnet");
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var running = new ManualResetEventSlim();
        var stderr = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("press Ctrl-C")) running.Set();
        };
        p.BeginErrorReadLine();
        try
        {
            Assert.True(running.Wait(TimeSpan.FromSeconds(60)), $"devnet did not start: {stderr}");
            Assert.True(p.HasExited is false);
            using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", p.Id.ToString()])) kill.WaitForExit();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "fil-fil devnet did not stop on SIGINT");
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stderr}");
            Assert.Contains("ws://127.0.0.1:", await stdout);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }
}
