using Xunit;

namespace FilFil.PowerShell.Tests;

/// <summary>
/// The fil-fil executable as a child process (stdin closed): pwsh's console host with the built-in modules and the
/// FilFil module (-Command, -File, the prompt, profiles, exit codes), and the verbs translated before it.
/// </summary>
public sealed class HostTests
{
    private static string Chain4 => RepoPaths.Filecoin("mainnet-chain4-h0-3.car");

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The text without ANSI escapes (pwsh's console host styles headers and prompts even when redirected).</summary>
    private static string Plain(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\x1b\[[0-9;?]*[A-Za-z]", "").Replace("\r", "");

    [Fact]
    public void BuiltInCmdletsPipeAsInPwsh()
    {
        var r = FilFilProcess.Run(null, "-Command", "1..3 | Select-Object -Last 1 | ConvertTo-Json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("3", r.Stdout.Trim());
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void ExitCodeOfTheCommand()
    {
        Assert.Equal(3, FilFilProcess.Run(null, "-Command", "exit 3").ExitCode);
        Assert.Equal(0, FilFilProcess.Run(null, "-Command", "'fine'").ExitCode);
    }

    [Fact]
    public void PwshModulesAreThere()
    {
        string dir = Directory.CreateTempSubdirectory("filfil-builtin-").FullName;
        try
        {
            string csv = Path.Combine(dir, "rows.csv");
            var r = FilFilProcess.Run(null, "-Command", $$"""
                $names = 'Format-List', 'Select-Object', 'ConvertTo-Json', 'Sort-Object', 'Export-Csv', 'Get-Content', 'Start-Sleep',
                    'Get-ChildItem', 'Out-String', 'Measure-Object', 'ConvertTo-SecureString', 'Start-Transcript', 'Start-ThreadJob',
                    'Compress-Archive', 'Install-PSResource'
                (Get-Command -Name $names).Count
                3, 1, 2 | ForEach-Object { [pscustomobject]@{ N = $_ } } | Sort-Object N | Export-Csv -LiteralPath '{{csv}}'
                (Get-Content -LiteralPath '{{csv}}') -join '|'
                Start-Sleep -Milliseconds 10
                [pscustomobject]@{ Name = 'x'; Size = 1 } | Format-List | Out-String -Width 80
                Import-Module Microsoft.PowerShell.Utility -ErrorAction Stop
                (Get-Module Microsoft.PowerShell.Management).Name
                """);
            Assert.True(r.ExitCode == 0, r.ToString());
            var lines = Lines(r.Stdout);
            Assert.Equal("15", lines[0]);
            Assert.Equal("\"N\"|\"1\"|\"2\"|\"3\"", lines[1]);
            Assert.Matches(@"Name\s*:\s*x", r.Stdout);
            Assert.Equal("Microsoft.PowerShell.Management", lines[^1]);
            Assert.Equal("", r.Stderr);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void CommandFormatsOutputWithTheTableView()
    {
        // pwsh's console host formats for 80 columns when redirected, where the table's last column does not fit
        var r = FilFilProcess.Run(null, "-Command", $"Test-FilFilCar -LiteralPath '{Chain4}' | Out-String -Width 160");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("HeadHeight", Plain(r.Stdout));
        Assert.Matches(@"mainnet-chain4-h0-3\.car\s+CARv1 V1\s+1222\s+\d+\s+0\.\.3\s+3\s+0\s+True", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void PrimitivesPrintAsIs()
    {
        var r = FilFilProcess.Run(null, "-Command", "1 + 1; 'text'; Write-Output 'out'");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["2", "text", "out"], Lines(r.Stdout));
    }

    [Fact]
    public void ErrorRecordGoesToStderrAndExitCode1()
    {
        var r = FilFilProcess.Run(null, "-Command", $"Test-FilFilCar -LiteralPath /no/such.car, '{Chain4}' -SkipHashCheck");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("Test-FilFilCar", r.Stderr);
        Assert.Contains("/no/such.car", r.Stderr);
        Assert.Contains("mainnet-chain4-h0-3.car", r.Stdout); // the next file still ran
        var id = FilFilProcess.Run(null, "-Command", "Test-FilFilCar -LiteralPath /no/such.car -ErrorAction SilentlyContinue; \"$($Error[0].CategoryInfo.Category) $($Error[0].FullyQualifiedErrorId)\"");
        Assert.Matches(@"^ObjectNotFound \S*FileNotFound", id.Stdout.Trim());
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
    public void ParseErrorIsReported()
    {
        var r = FilFilProcess.Run(null, "-Command", "$x = )");
        Assert.Contains("ParserError", r.Stderr);
        Assert.Contains("You must provide a value expression", r.Stderr);
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
            // pwsh's own rule: a first argument that is a script runs it as -File
            var exit = FilFilProcess.Run(null, script, "-Count", "7");
            Assert.Equal(7, exit.ExitCode);
            Assert.Equal("||7|False", exit.Stdout.Trim());
        }
        finally { File.Delete(script); }
    }

    [Fact]
    public void VerbMapsKebabArguments()
    {
        var r = FilFilProcess.Run(null, "test-car", Chain4, "--skip-hash-check");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("not checked", r.Stdout);
        var prefix = FilFilProcess.Run(null, "test-car", "--literal", Chain4, "--skip-hash-check:true"); // unique prefix, switch:value
        Assert.True(prefix.ExitCode == 0, prefix.ToString());
        Assert.Contains("not checked", prefix.Stdout);
    }

    [Fact]
    public void VerbsTakeManyFiles()
    {
        var car = FilFilProcess.Run(null, "test-car", Chain4, Chain4, "--skip-hash-check");
        Assert.True(car.ExitCode == 0, car.ToString());
        Assert.Equal(2, Lines(car.Stdout).Count(l => l.StartsWith("mainnet-chain4-h0-3.car", StringComparison.Ordinal)));
        var piece = FilFilProcess.Run(null, "piece-cid", Chain4, Chain4);
        Assert.True(piece.ExitCode == 0, piece.ToString());
        Assert.Equal(2, Lines(piece.Stdout).Count(l => l.StartsWith("mainnet-chain4-h0-3.car", StringComparison.Ordinal)));
        // a missing file among them: the others still run, the verb exits non-zero
        var missing = FilFilProcess.Run(null, "piece-cid", "/no/such.car", Chain4);
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("baga6ea4seaq", missing.Stdout);
        Assert.Contains("/no/such.car", missing.Stderr);
    }

    [Fact]
    public void VerbValuesAreNeverCode()
    {
        // the verb's values become single-quoted literals: quotes (also PowerShell's typographic ones) and subexpressions
        // in a file name cannot end the literal and run code
        var r = FilFilProcess.Run(null, "test-car", "x'; exit 42; '", "$(exit 43)", "x\u2019; exit 44; \u2019", "--skip-hash-check:true");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("x'; exit 42; '", r.Stderr);
        Assert.Contains("$(exit 43)", r.Stderr);
        Assert.Contains("x\u2019; exit 44; \u2019", r.Stderr);
        var named = FilFilProcess.Run(null, "test-car", "--path:a'; exit 45; 'b");
        Assert.True(named.ExitCode == 1, named.ToString());
        Assert.Contains("a'; exit 45; 'b", named.Stderr);
    }

    [Fact]
    public void MissingMandatoryArgumentIsAUsageErrorNotAPrompt()
    {
        var closed = FilFilProcess.Run(null, null, closeStdin: true, TimeSpan.FromSeconds(30), "take-snapshot");
        Assert.True(closed.ExitCode == 2, closed.ToString());
        Assert.Contains("take-snapshot: missing --path", closed.Stderr);
        Assert.Equal("", closed.Stdout);
        // stdin a pipe nobody writes to: a prompt would wait for ever; the usage error comes before any engine starts
        var open = FilFilProcess.Run(null, null, closeStdin: false, TimeSpan.FromSeconds(30), "test-car", "--skip-hash-check");
        Assert.True(open.ExitCode == 2, open.ToString());
        Assert.Contains("test-car: missing --path", open.Stderr);
    }

    [Fact]
    public void VerbUsageErrorsExit2()
    {
        // the deal verbs reach their cmdlets: an option the cmdlet does not have is a usage error naming it
        foreach (var verb in new[] { "store", "next-window", "incentivize" })
        {
            var deal = FilFilProcess.Run(null, verb, "--frobnicate", "1");
            Assert.True(deal.ExitCode == 2, deal.ToString());
            Assert.Contains("unknown option --frobnicate", deal.Stderr);
            Assert.DoesNotContain("is not available", deal.Stderr);
        }
        var unknown = FilFilProcess.Run(null, "frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown verb 'frobnicate'", unknown.Stderr);
        var option = FilFilProcess.Run(null, "test-car", Chain4, "--frobnicate");
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("unknown option --frobnicate", option.Stderr);
        var noValue = FilFilProcess.Run(null, "take-snapshot", "--path");
        Assert.Equal(2, noValue.ExitCode);
        Assert.Contains("--path needs a value", noValue.Stderr);
        var sets = FilFilProcess.Run(null, "test-car", Chain4, "--literal-path", Chain4);
        Assert.Equal(2, sets.ExitCode);
        Assert.Contains("cannot be used together", sets.Stderr);
        // pwsh's own command line keeps pwsh's exit code for a bad option
        Assert.Equal(64, FilFilProcess.Run(null, "-Frobnicate").ExitCode);
    }

    [Fact]
    public void VerbHelpShowsTheCmdletHelp()
    {
        var r = FilFilProcess.Run(null, "test-car", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Test-FilFilCar", r.Stdout);
        Assert.Contains("DESCRIPTION", r.Stdout);
        Assert.Contains("-SkipHashCheck", r.Stdout);
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

            // without a chain and without --bootstrap/--lotus: an ordinary cmdlet error (exit 1), nothing written
            string never = Path.Combine(dir, "never.car");
            var noChain = FilFilProcess.Run(null, env, "take-snapshot", "--path", never);
            Assert.True(noChain.ExitCode == 1, noChain.ToString());
            Assert.Contains("no chain is loaded", noChain.Stderr);
            Assert.False(File.Exists(never));

            // with a chain already loaded, -Bootstrap is refused rather than ignored, and nothing is written
            string refused = Path.Combine(dir, "refused.car");
            var again = FilFilProcess.Run(null, env, "-Command",
                $"Import-FilFilSnapshot -LiteralPath '{Chain4}' | Out-Null; New-FilFilSnapshot -Path '{refused}' -Bootstrap '{Chain4}'; \"$($Error[0].CategoryInfo.Category) $($Error[0].FullyQualifiedErrorId)\"; exit 1");
            Assert.True(again.ExitCode == 1, again.ToString());
            Assert.Matches(@"InvalidOperation \S*ChainAlreadyLoaded", again.Stdout);
            Assert.False(File.Exists(refused));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void HelpListsTheVerbsAndPwshUsageAndVersion()
    {
        var help = FilFilProcess.Run(null, "-Help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("test-car       Test-FilFilCar", help.Stdout);
        Assert.Contains("-NonInteractive", help.Stdout); // pwsh's own usage follows
        var version = FilFilProcess.Run(null, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^fil-fil \d+\.\d+\.\d+ \(PowerShell 7\.\d+\.\d+\)", version.Stdout);
    }

    [Fact]
    public void VerboseShowsTheEngineLog()
    {
        var r = FilFilProcess.Run(null, "-Command", $"Test-FilFilCar -LiteralPath '{Chain4}' -SkipHashCheck -Verbose");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("VERBOSE: [Debug] Test-FilFilCar: inspecting", r.Stdout + r.Stderr);
        var verb = FilFilProcess.Run(null, "test-car", Chain4, "--skip-hash-check", "--verbose");
        Assert.Contains("VERBOSE: [Debug] Test-FilFilCar: inspecting", verb.Stdout + verb.Stderr);
        var quiet = FilFilProcess.Run(null, "-Command", $"Test-FilFilCar -LiteralPath '{Chain4}' -SkipHashCheck");
        Assert.DoesNotContain("VERBOSE", quiet.Stdout + quiet.Stderr);
    }

    [Fact]
    public void PromptReadsCommandsFromRedirectedInputWithHistory()
    {
        // pwsh's prompt: a blank line ends multi-line input; commands go to the history; 'exit N' ends with N
        var r = FilFilProcess.Run("$x = 20\nif ($x -gt 10) {\n  'big'\n}\n\n(Get-History).CommandLine -join '#'\nexit 4\n'not reached'\n", "-NoProfile");
        Assert.True(r.ExitCode == 4, r.ToString());
        string stdout = Plain(r.Stdout);
        Assert.Contains("fil-fil 0.1.0", stdout); // the banner
        Assert.Contains("\nbig\n", stdout);
        Assert.Contains(">> ", stdout);
        Assert.Contains("\n$x = 20#if ($x -gt 10) {", stdout);
        Assert.DoesNotContain("\nnot reached", stdout);
    }

    [Fact]
    public void TabCompletionKnowsTheModuleAndPSReadLineEditsThePrompt()
    {
        // the interactive prompt loads PSReadLine (tab completion, history, editing) as pwsh does
        var r = FilFilProcess.Run(null, "-Command",
            "(TabExpansion2 'Test-FilFilC' 12).CompletionMatches[0].CompletionText; (TabExpansion2 'Test-FilFilCar -SkipH' 20).CompletionMatches[0].CompletionText;"
            + "Import-Module PSReadLine -ErrorAction Stop; (Get-Command PSConsoleHostReadLine).Source");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["Test-FilFilCar", "-SkipHashCheck", "PSReadLine"], Lines(r.Stdout));
    }

    [Fact]
    public void ProfileRunsUnlessNoProfile()
    {
        string home = Directory.CreateTempSubdirectory("filfil-home-").FullName;
        try
        {
            var env = new Dictionary<string, string?> { ["HOME"] = home, ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"), ["USERPROFILE"] = home };
            var where = FilFilProcess.Run(null, env, "-NoProfile", "-Command", "$PROFILE.CurrentUserCurrentHost");
            string profile = where.Stdout.Trim();
            Assert.StartsWith(home, profile);
            Directory.CreateDirectory(Path.GetDirectoryName(profile)!);
            File.WriteAllText(profile, "function Get-ProfileMarker { 'profile ran' }\n");
            var withProfile = FilFilProcess.Run(null, env, "-Command", "Get-ProfileMarker");
            Assert.True(withProfile.ExitCode == 0, withProfile.ToString());
            Assert.Equal("profile ran", withProfile.Stdout.Trim());
            var without = FilFilProcess.Run(null, env, "-NoProfile", "-Command", "Get-ProfileMarker");
            Assert.Equal(1, without.ExitCode);
            // the verbs never read the profile: they behave the same under cron whatever the user's profile does
            File.WriteAllText(profile, "exit 9\n");
            Assert.Equal(0, FilFilProcess.Run(null, env, "test-car", Chain4, "--skip-hash-check").ExitCode);
        }
        finally { Directory.Delete(home, recursive: true); }
    }

    [Fact]
    public void GetHelpShowsTheMamlHelp()
    {
        var r = FilFilProcess.Run(null, "-Command", "(Get-Help Test-FilFilCar).Synopsis; (Get-Help New-FilFilSnapshot).Description[0].Text");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout);
        Assert.StartsWith("Checks CAR files", lines[0]);
        Assert.StartsWith("New-FilFilSnapshot walks the chain", lines[1]);
        var text = FilFilProcess.Run(null, "-Command", "Get-Help Set-FilFilLogging -Full | Out-String -Width 200");
        Assert.True(text.ExitCode == 0, text.ToString());
        string full = text.Stdout.Replace("\r", "");
        Assert.Contains("SYNOPSIS\n    Sets the FilFil engine log level and log file.", full);
        Assert.Contains("Set-FilFilLogging [[-Level] <LogEventLevel>] [-Path <String>] [-PassThru]", full);
        Assert.Contains("    -Path <String>", full);
        Assert.Contains("Set-FilFilLogging -Level Debug -Path ./filfil.log", full);
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
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(RepoPaths.FilFilDll);
        psi.ArgumentList.Add("devnet");
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
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
            // exit 0 only when Stop-FilFilDevnet ran and succeeded after Ctrl-C stopped the wait
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stderr}");
            Assert.Contains("ws://127.0.0.1:", await stdout);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }
}
