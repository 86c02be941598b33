using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace FilFil.Core.Logging;

/// <summary>
/// The one Serilog logger of the in-process engine. Events go to stderr (console sink) and, when configured, to a
/// file (environment variable <c>FILFIL_LOG_FILE</c> at start-up, or <see cref="Configure"/>), both at
/// <see cref="Level"/> (Warning by default: quiet). A caller can additionally <see cref="BeginCapture"/> the events
/// logged by its own work (the capture follows the async flow, so tasks started by that work are included) at Debug
/// level, e.g. a cmdlet run with -Verbose that replays them with WriteVerbose on its pipeline thread.
/// </summary>
public static class FilFilLog
{
    /// <summary>Environment variable naming a log file that is opened at start-up.</summary>
    public const string FileEnvironmentVariable = "FILFIL_LOG_FILE";
    /// <summary>Environment variable with a start-up level (Verbose, Debug, Information, Warning, Error, Fatal).</summary>
    public const string LevelEnvironmentVariable = "FILFIL_LOG_LEVEL";
    private const string Template = "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private static readonly object Gate = new();
    private static readonly LoggingLevelSwitch MinimumSwitch = new(LogEventLevel.Warning);
    private static readonly AsyncLocal<LogCapture?> CurrentCapture = new();
    private static readonly Logger ConsoleLogger = new LoggerConfiguration()
        .MinimumLevel.Verbose()
        .WriteTo.Console(outputTemplate: Template, standardErrorFromLevel: LogEventLevel.Verbose)
        .CreateLogger();
    private static Logger? _fileLogger;
    private static int _activeCaptures;
    private static volatile LogEventLevel _level = LogEventLevel.Warning;

    /// <summary>The engine logger; use <c>FilFilLog.For&lt;T&gt;()</c> for a logger with a source context.</summary>
    public static ILogger Logger { get; } = new LoggerConfiguration()
        .MinimumLevel.ControlledBy(MinimumSwitch)
        .WriteTo.Sink(new RouterSink())
        .CreateLogger();

    static FilFilLog()
    {
        var level = Level;
        if (Enum.TryParse<LogEventLevel>(Environment.GetEnvironmentVariable(LevelEnvironmentVariable), true, out var l)) level = l;
        var file = Environment.GetEnvironmentVariable(FileEnvironmentVariable);
        try { Configure(level, string.IsNullOrWhiteSpace(file) ? null : file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            ConsoleLogger.Warning(e, "cannot open the log file {File} named by {Variable}", file, FileEnvironmentVariable);
        }
    }

    /// <summary>Level for the console and file sinks (Warning by default).</summary>
    public static LogEventLevel Level => _level;

    /// <summary>Full path of the current log file, or null.</summary>
    public static string? FilePath { get; private set; }

    /// <summary>A logger whose events carry <typeparamref name="T"/> as their source context.</summary>
    public static ILogger For<T>() => Logger.ForContext<T>();

    /// <summary>A logger whose events carry <paramref name="sourceContext"/> as their source context.</summary>
    public static ILogger For(string sourceContext) => Logger.ForContext(Constants.SourceContextPropertyName, sourceContext);

    /// <summary>
    /// Sets the sink level and the log file: <paramref name="filePath"/> null keeps the current file, an empty string
    /// closes it, anything else (re)opens that file for appending.
    /// </summary>
    public static void Configure(LogEventLevel level, string? filePath = null)
    {
        lock (Gate)
        {
            if (filePath is not null)
            {
                Logger? opened = null;
                string? full = null;
                if (filePath.Length > 0)
                {
                    full = Path.GetFullPath(filePath);
                    var dir = Path.GetDirectoryName(full);
                    if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                        throw new DirectoryNotFoundException($"log file folder '{dir}' does not exist");
                    if (Directory.Exists(full)) throw new IOException($"'{full}' is a folder, not a log file");
                    // the file sink swallows open errors (it reports them only to Serilog's SelfLog): open it here once
                    // so a path that cannot be written is an error now, not a log that silently stays empty
                    using (new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { }
                    opened = new LoggerConfiguration().MinimumLevel.Verbose()
                        .WriteTo.File(full, outputTemplate: Template, shared: true, flushToDiskInterval: TimeSpan.FromSeconds(1))
                        .CreateLogger();
                }
                var old = _fileLogger;
                _fileLogger = opened;
                FilePath = full;
                old?.Dispose();
            }
            _level = level;
            UpdateMinimum();
        }
    }

    /// <summary>
    /// Opens a capture of events logged at <paramref name="minimum"/> or above by code running inside
    /// <see cref="LogCapture.Enter"/> (and work that code starts), until the capture is disposed. While any capture is
    /// open the engine logs at that level.
    /// </summary>
    public static LogCapture BeginCapture(LogEventLevel minimum = LogEventLevel.Debug)
    {
        var capture = new LogCapture(minimum);
        lock (Gate)
        {
            _activeCaptures++;
            UpdateMinimum();
        }
        return capture;
    }

    internal static IDisposable Enter(LogCapture capture)
    {
        var previous = CurrentCapture.Value;
        CurrentCapture.Value = capture;
        return new Scope(previous);
    }

    private sealed class Scope(LogCapture? previous) : IDisposable
    {
        public void Dispose() => CurrentCapture.Value = previous;
    }

    internal static void EndCapture()
    {
        lock (Gate)
        {
            _activeCaptures--;
            UpdateMinimum();
        }
    }

    private static void UpdateMinimum()
    {
        var min = _level;
        if (_activeCaptures > 0 && min > LogEventLevel.Debug) min = LogEventLevel.Debug;
        MinimumSwitch.MinimumLevel = min;
    }

    /// <summary>Flushes and closes the file sink (call at process exit).</summary>
    public static void CloseAndFlush()
    {
        lock (Gate)
        {
            _fileLogger?.Dispose();
            _fileLogger = null;
            FilePath = null;
        }
    }

    private sealed class RouterSink : ILogEventSink
    {
        public void Emit(LogEvent e)
        {
            if (e.Level >= _level)
            {
                ConsoleLogger.Write(e);
                _fileLogger?.Write(e);
            }
            if (CurrentCapture.Value is { Disposed: false } c && e.Level >= c.Minimum) c.Add(e);
        }
    }
}
