using FilFil.Core.Logging;
using Serilog.Events;

namespace FilFil.PowerShell;

/// <summary>The engine log settings (Set-FilFilLogging -PassThru).</summary>
public sealed class FilFilLogSettings
{
    /// <summary>Lowest level written to stderr and the file.</summary>
    public LogEventLevel Level { get; init; }
    /// <summary>Current log file, or null.</summary>
    public string? FilePath { get; init; }

    /// <summary>A snapshot of the current settings.</summary>
    public static FilFilLogSettings Current => new() { Level = FilFilLog.Level, FilePath = FilFilLog.FilePath };
}
