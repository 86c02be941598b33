using System.Collections.Concurrent;
using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace FilFil.Core.Logging;

/// <summary>Events collected for one caller (see <see cref="FilFilLog.BeginCapture"/>); thread-safe.</summary>
public sealed class LogCapture : IDisposable
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    internal LogCapture(LogEventLevel minimum) => Minimum = minimum;

    /// <summary>Lowest level collected.</summary>
    public LogEventLevel Minimum { get; }
    internal bool Disposed { get; private set; }

    /// <summary>Set when an event arrives; the consumer may wait on it and then <see cref="Drain"/>.</summary>
    public ManualResetEventSlim Signal { get; } = new(false);

    /// <summary>
    /// Routes events logged by the current thread's async flow (and tasks it starts) into this capture until the
    /// returned scope is disposed; call it at the start of the work, e.g. inside the delegate given to Task.Run.
    /// </summary>
    public IDisposable Enter() => FilFilLog.Enter(this);

    internal void Add(LogEvent e)
    {
        _events.Enqueue(e);
        Signal.Set();
    }

    /// <summary>Removes and returns the collected events rendered as one line each: "[LEVEL] Source: message".</summary>
    public List<string> Drain()
    {
        Signal.Reset();
        var lines = new List<string>();
        while (_events.TryDequeue(out var e)) lines.Add(Render(e));
        return lines;
    }

    /// <summary>One-line rendering of an event (with the exception message when there is one).</summary>
    public static string Render(LogEvent e)
    {
        var source = e.Properties.TryGetValue(Constants.SourceContextPropertyName, out var s) && s is ScalarValue { Value: string name }
            ? name[(name.LastIndexOf('.') + 1)..] + ": "
            : "";
        var text = $"[{e.Level}] {source}{e.RenderMessage(CultureInfo.CurrentCulture)}";
        return e.Exception is null ? text : $"{text} ({e.Exception.GetType().Name}: {e.Exception.Message})";
    }

    /// <summary>Stops collecting (events already collected stay readable).</summary>
    public void Dispose()
    {
        if (Disposed) return;
        Disposed = true;
        FilFilLog.EndCapture();
    }
}
