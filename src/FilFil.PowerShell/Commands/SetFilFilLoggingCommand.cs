using System.Management.Automation;
using FilFil.Core.Logging;
using Serilog.Events;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Set-FilFilLogging: level of the engine log (stderr and file sinks; Warning by default) and the log file
/// (-Path; an empty string closes it). -PassThru writes the resulting settings.
/// </summary>
[Cmdlet(VerbsCommon.Set, "FilFilLogging", SupportsShouldProcess = true)]
[OutputType(typeof(FilFilLogSettings))]
public sealed class SetFilFilLoggingCommand : FilFilCmdlet
{
    /// <summary>Lowest level written to stderr and the file.</summary>
    [Parameter(Position = 0)]
    public LogEventLevel? Level { get; set; }

    /// <summary>Log file to append to; an empty string closes the current file.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Path { get; set; }

    /// <summary>Write the resulting settings.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override ErrorCategory IOErrorCategory => ErrorCategory.WriteError;

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        string? file = Path is null ? null : Path.Length == 0 ? "" : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var level = Level ?? FilFilLog.Level;
        string what = $"level {level}" + (file is null ? "" : file.Length == 0 ? ", no log file" : $", file {file}");
        if (ShouldProcess("FilFil engine log", $"Set {what}"))
        {
            TryRun(Path, () => FilFilLog.Configure(level, file));
        }
        if (PassThru) WriteObject(FilFilLogSettings.Current);
        base.EndProcessing();
    }
}
