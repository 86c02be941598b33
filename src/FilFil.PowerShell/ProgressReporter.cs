using System.Globalization;
using System.Management.Automation;

namespace FilFil.PowerShell;

/// <summary>
/// Thread-safe <see cref="IProgress{T}"/> of a byte position for engine work; the owning cmdlet turns the latest value
/// into a <see cref="ProgressRecord"/> on its pipeline thread (<see cref="TryCreateRecord"/>), at most every
/// <see cref="Interval"/>. Reports from any thread only store the value.
/// </summary>
public sealed class ProgressReporter : IProgress<long>
{
    private long _value;
    private long _lastWritten = -1;
    private long _lastTicks;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <param name="activityId">Progress activity id (unique among the cmdlet's concurrent activities).</param>
    /// <param name="activity">Activity text, e.g. "Test-FilFilCar".</param>
    /// <param name="target">What is being processed, e.g. the file path.</param>
    /// <param name="total">Expected final value (bytes, or <paramref name="unit"/>), or 0 if unknown (no percentage).</param>
    /// <param name="unit">What is counted when it is not bytes, e.g. "epochs" (null: bytes, shown in MiB).</param>
    public ProgressReporter(int activityId, string activity, string target, long total, string? unit = null)
    {
        Unit = unit;
        ActivityId = activityId;
        Activity = activity;
        Target = target;
        Total = total;
    }

    /// <summary>Minimum time between two progress records (default 250 ms).</summary>
    public static TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(250);
    public int ActivityId { get; }
    public string Activity { get; }
    public string Target { get; }
    public long Total { get; }
    /// <summary>What is counted (null: bytes).</summary>
    public string? Unit { get; }
    /// <summary>Latest reported value.</summary>
    public long Value => Interlocked.Read(ref _value);
    /// <summary>Whether any record was produced (so a Completed record is due at the end).</summary>
    public bool Started { get; private set; }

    /// <inheritdoc />
    public void Report(long value) => Interlocked.Exchange(ref _value, value);

    /// <summary>A record for the latest value if it changed and the interval has passed; otherwise null.</summary>
    public ProgressRecord? TryCreateRecord()
    {
        long now = _clock.ElapsedTicks, v = Value;
        if (v == _lastWritten || (Started && now - _lastTicks < Interval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency)) return null;
        _lastTicks = now;
        _lastWritten = v;
        Started = true;
        var r = new ProgressRecord(ActivityId, Activity, Describe(v)) { CurrentOperation = Target };
        if (Total > 0 && v <= Total) r.PercentComplete = (int)(v * 100 / Total);
        double secs = _clock.Elapsed.TotalSeconds;
        if (Total > 0 && v > 0 && v <= Total && secs > 1) r.SecondsRemaining = (int)(secs * (Total - v) / v);
        return r;
    }

    /// <summary>The final record that removes the bar.</summary>
    public ProgressRecord CreateCompletedRecord() =>
        new(ActivityId, Activity, Describe(Value)) { RecordType = ProgressRecordType.Completed, PercentComplete = 100 };

    private string Describe(long v) => Unit is { } u
        ? (Total > 0 ? $"{v.ToString(CultureInfo.CurrentCulture)} of {Total.ToString(CultureInfo.CurrentCulture)} {u}" : $"{v.ToString(CultureInfo.CurrentCulture)} {u}")
        : (Total > 0 ? $"{Mib(v)} of {Mib(Total)}" : $"{Mib(v)} read");

    private static string Mib(long b) => $"{b / 1048576.0:0.0} MiB";
}
