using Xunit;

namespace FilFil.PowerShell.Tests;

/// <summary>
/// Proves the in-process runner and MiniPester can fail, and that Should follows Pester 5 semantics: runs test files
/// kept in TestData (not under tests/acceptance) and checks each It's outcome.
/// </summary>
public sealed class RunnerMetaTests
{
    private static (List<ItCase> Cases, FileRun Run) RunData(string name)
    {
        string file = RepoPaths.TestData(name);
        return (PesterFile.Discover(file, Path.GetDirectoryName(file)!), PesterFile.RunUncached(file));
    }

    private static string? Outcome(List<ItCase> cases, FileRun run, string suffix, out bool skipped)
    {
        var c = Assert.Single(cases, x => x.DisplayName.EndsWith(suffix, StringComparison.Ordinal));
        return PesterFile.Failure(c, run, out skipped);
    }

    [Fact]
    public void FailingTestsAreReportedAsFailed()
    {
        var (cases, run) = RunData("RunnerFailures.Tests.ps1");
        Assert.Equal(9, cases.Count);
        Assert.Empty(run.FileErrors);
        Assert.Null(Outcome(cases, run, "Failures > passes", out _));
        Assert.Contains("Expected 2, but got 1.", Outcome(cases, run, "Failures > fails on a Should", out _));
        Assert.Contains("boom", Outcome(cases, run, "Failures > fails on a throw", out _));
        string? nonTerminating = Outcome(cases, run, "Failures > fails on a non-terminating error", out _);
        Assert.Contains("error record written", nonTerminating);
        Assert.Contains("Cannot find path", nonTerminating);
        string? first = Outcome(cases, run, "Failures > stops at the first failed Should", out _);
        Assert.Contains("Expected 'a', but got 'b'.", first);
        Assert.DoesNotContain("never reached", first);
        Assert.Contains("BeforeAll failed: setup broke", Outcome(cases, run, "Broken setup > is failed by its BeforeAll", out _));
        Assert.Contains("case n=2", Outcome(cases, run, "Failures > fails one of its test cases", out _));
        Assert.Null(Outcome(cases, run, "Failures > is skipped", out bool skipped));
        Assert.True(skipped);
        Assert.Contains("Expected $null or empty", Outcome(cases, run, "Failures > inverted -Not fails", out _));
    }

    [Fact]
    public void ShouldFollowsPesterSemantics()
    {
        var (cases, run) = RunData("ShouldSemantics.Tests.ps1");
        Assert.True(cases.Count >= 10);
        Assert.Empty(run.FileErrors);
        var failures = cases.Select(c => (c.DisplayName, Failure: PesterFile.Failure(c, run, out _))).Where(x => x.Failure is not null).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Select(f => $"{f.DisplayName}: {f.Failure}")));
    }

    [Fact]
    public void SyntaxErrorsFailTheFile()
    {
        string file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.Tests.ps1");
        File.WriteAllText(file, "Describe 'x' { It 'y' { 1 | Should -Be 1 ");
        try
        {
            var c = Assert.Single(PesterFile.Discover(file, Path.GetTempPath()));
            Assert.NotNull(PesterFile.Failure(c, new FileRun(), out _));
        }
        finally { File.Delete(file); }
    }
}
