using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace FilFil.PowerShell.Tests;

using PowerShell = System.Management.Automation.PowerShell;

/// <summary>
/// Engine-level behaviour of the base cmdlet, in-process: progress records, Ctrl-C (Stop) cancelling engine work,
/// verbose routing of the engine log. Uses a large CAR built from the chain4 fixture (its sections repeated).
/// </summary>
public sealed class CmdletInProcessTests : IClassFixture<CmdletInProcessTests.BigCar>
{
    private readonly BigCar _big;
    public CmdletInProcessTests(BigCar big) => _big = big;

    /// <summary>
    /// chain4's header followed by its sections 400 times (~440 MB, a valid CARv1 with repeated blocks): a full check
    /// takes over a second, so a prompt stop proves the engine work itself was cancelled.
    /// </summary>
    public sealed class BigCar : IDisposable
    {
        public const int Copies = 400;
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"filfil-big-{Guid.NewGuid():N}.car");
        public long Blocks { get; } = 1222L * Copies;

        public BigCar()
        {
            byte[] car = File.ReadAllBytes(RepoPaths.Filecoin("mainnet-chain4-h0-3.car"));
            int pos = 0, shift = 0;
            ulong headerLength = 0;
            while (true)
            {
                byte b = car[pos++];
                headerLength |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) break;
                shift += 7;
            }
            int sectionsStart = pos + (int)headerLength;
            using var fs = File.Create(Path);
            fs.Write(car, 0, sectionsStart);
            for (int i = 0; i < Copies; i++) fs.Write(car, sectionsStart, car.Length - sectionsStart);
        }

        public void Dispose() => File.Delete(Path);
    }

    private static PowerShell NewShell()
    {
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", RepoPaths.ModuleManifest).Invoke();
        Assert.False(ps.HadErrors);
        ps.Commands.Clear();
        return ps;
    }

    [Fact]
    public void WritesThrottledProgressAndCompletes()
    {
        using var ps = NewShell();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = ps.AddCommand("Test-FilFilCar").AddParameter("LiteralPath", _big.Path).Invoke();
        clock.Stop();
        var r = (CarTestResultView)results.Single();
        Assert.Equal(_big.Blocks, r.Blocks);
        Assert.Equal(0L, r.HashFailures);
        var progress = ps.Streams.Progress.ToList();
        Assert.NotEmpty(progress);
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
        var running = progress.Where(p => p.RecordType == ProgressRecordType.Processing).ToList();
        Assert.NotEmpty(running);
        Assert.All(running, p => Assert.InRange(p.PercentComplete, 0, 100));
        Assert.All(running, p => Assert.Equal(_big.Path, p.CurrentOperation));
        // At most one record per throttle interval (plus the first), however long the run took on a busy machine.
        double allowed = clock.Elapsed / TimeSpan.FromMilliseconds(250) + 2; // ProgressReporter.Interval
        Assert.True(running.Count <= allowed, $"{running.Count} progress records in {clock.Elapsed}: not throttled (allowed {allowed:F0})");
        ps.Runspace.Dispose();
    }

    [Fact]
    public void StopCancelsTheEngineWork()
    {
        using var ps = NewShell();
        // Reference: a full run of the same file, measured now (the machine may be loaded), after a warm-up run.
        ps.AddCommand("Test-FilFilCar").AddParameter("LiteralPath", RepoPaths.Filecoin("mainnet-chain4-h0-3.car")).Invoke();
        ps.Commands.Clear();
        var full = Stopwatch.StartNew();
        ps.AddCommand("Test-FilFilCar").AddParameter("LiteralPath", _big.Path).Invoke();
        full.Stop();
        ps.Commands.Clear();
        ps.Streams.ClearStreams();

        ps.AddCommand("Test-FilFilCar").AddParameter("LiteralPath", _big.Path);
        var firstProgress = new ManualResetEventSlim();
        ps.Streams.Progress.DataAdded += (_, _) => firstProgress.Set();
        var started = Stopwatch.StartNew();
        var async = ps.BeginInvoke();
        Assert.True(firstProgress.Wait(TimeSpan.FromSeconds(60)), "no progress record");
        var sw = Stopwatch.StartNew();
        ps.Stop();
        Assert.True(async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
        sw.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        // Without the token the check would run to the end of the 440 MB file before the pipeline stops.
        Assert.True(sw.Elapsed < full.Elapsed / 3, $"stop took {sw.Elapsed}; a full run takes {full.Elapsed} (stopped {started.Elapsed} after the start)");
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(async));
        ps.Runspace.Dispose();
    }

    [Fact]
    public void VerboseRoutesTheEngineDebugLog()
    {
        using var ps = NewShell();
        ps.AddCommand("Test-FilFilCar").AddParameter("LiteralPath", RepoPaths.Filecoin("mainnet-chain4-h0-3.car"))
          .AddParameter("SkipHashCheck").AddParameter("Verbose");
        Assert.Single(ps.Invoke());
        var verbose = ps.Streams.Verbose.Select(v => v.Message).ToList();
        Assert.Contains(verbose, m => m.StartsWith("[Debug] Test-FilFilCar: inspecting", StringComparison.Ordinal));
        ps.Commands.Clear();
        ps.Streams.ClearStreams();
        ps.AddCommand("Test-FilFilCar").AddParameter("LiteralPath", RepoPaths.Filecoin("mainnet-chain4-h0-3.car")).AddParameter("SkipHashCheck");
        Assert.Single(ps.Invoke());
        Assert.Empty(ps.Streams.Verbose);
        ps.Runspace.Dispose();
    }
}

/// <summary>Reads the CarTestResult properties through PowerShell's adapter (the test does not reference the module assembly).</summary>
public sealed class CarTestResultView
{
    private readonly PSObject _o;
    private CarTestResultView(PSObject o) => _o = o;
    public long Blocks => Convert.ToInt64(_o.Properties["Blocks"].Value);
    public long HashFailures => Convert.ToInt64(_o.Properties["HashFailures"].Value);
    public static explicit operator CarTestResultView(PSObject o) => new(o);
}
