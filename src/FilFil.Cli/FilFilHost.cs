using System.Globalization;
using System.Management.Automation.Host;

namespace FilFil.Cli;

/// <summary>The PowerShell host of fil-fil: console UI, exit requests from scripts (<c>exit N</c>).</summary>
public sealed class FilFilHost : PSHost
{
    private readonly FilFilHostUI _ui;

    public FilFilHost(TextWriter output, TextWriter error, TextReader input) => _ui = new FilFilHostUI(output, error, input);

    /// <summary>Set when a script ran <c>exit</c> at top level.</summary>
    public bool ShouldExit { get; private set; }
    /// <summary>The code given to <c>exit</c>.</summary>
    public int ExitCode { get; private set; }

    public override string Name => "fil-fil";
    public override Version Version { get; } = typeof(FilFilHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    internal FilFilHostUI HostUI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override void SetShouldExit(int exitCode)
    {
        ShouldExit = true;
        ExitCode = exitCode;
    }

    /// <summary>Clears a previous exit request (interactive prompt).</summary>
    public void ResetExit()
    {
        ShouldExit = false;
        ExitCode = 0;
    }

    public override void EnterNestedPrompt() => throw new NotSupportedException("fil-fil has no nested prompts");
    public override void ExitNestedPrompt() => throw new NotSupportedException("fil-fil has no nested prompts");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
