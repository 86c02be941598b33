using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace FilFil.Cli;

/// <summary>
/// Console user interface of the fil-fil host: formatted output to stdout; errors, warnings, verbose, debug and the
/// progress bar to stderr; Read-Host/prompts from stdin.
/// </summary>
public sealed partial class FilFilHostUI : PSHostUserInterface
{
    private readonly TextWriter _out, _err;
    private readonly TextReader _in;
    private readonly FilFilRawUI _raw;
    private readonly object _gate = new();
    private int _progressWidth;

    public FilFilHostUI(TextWriter output, TextWriter error, TextReader input)
    {
        _out = output;
        _err = error;
        _in = input;
        _raw = new FilFilRawUI(output == Console.Out && !Console.IsOutputRedirected);
    }

    /// <summary>Whether progress is drawn (stderr is a terminal).</summary>
    public bool ShowProgress { get; set; } = !Console.IsErrorRedirected;

    public override PSHostRawUserInterface RawUI => _raw;

    /// <summary>ANSI styling only when stdout is a terminal.</summary>
    public override bool SupportsVirtualTerminal => _out == Console.Out && !Console.IsOutputRedirected;

    public override string ReadLine()
    {
        lock (_gate) ClearProgress();
        return _in.ReadLine() ?? "";
    }

    public override SecureString ReadLineAsSecureString()
    {
        var s = new SecureString();
        foreach (var c in ReadLine()) s.AppendChar(c);
        s.MakeReadOnly();
        return s;
    }

    public override void Write(string value)
    {
        lock (_gate)
        {
            ClearProgress();
            _out.Write(SupportsVirtualTerminal ? value : StripAnsi(value));
            _out.Flush();
        }
    }

    /// <summary>Removes ANSI escape sequences (the formatter's table-header styling) for redirected output.</summary>
    public static string StripAnsi(string s) => s.Contains('\e') ? Ansi().Replace(s, "") : s;

    [System.Text.RegularExpressions.GeneratedRegex(@"\e\[[0-9;?]*[ -/]*[@-~]")]
    private static partial System.Text.RegularExpressions.Regex Ansi();

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
    public override void WriteLine(string value) => Write(value + Environment.NewLine);
    public override void WriteErrorLine(string value) => Err(value);
    public override void WriteDebugLine(string message) => Err("DEBUG: " + message);
    public override void WriteVerboseLine(string message) => Err("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => Err("WARNING: " + message);

    public override void WriteInformation(InformationRecord record)
    {
        // Write-Host text (tag PSHOST) has already been written through Write/WriteLine.
        if (record.Tags.Contains("PSHOST")) return;
        WriteLine(record.MessageData?.ToString() ?? "");
    }

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        if (!ShowProgress) return;
        lock (_gate)
        {
            if (record.RecordType == ProgressRecordType.Completed)
            {
                ClearProgress();
                return;
            }
            string pct = record.PercentComplete >= 0 ? $" {record.PercentComplete,3}%" : "";
            string line = $"{record.Activity}:{pct} {record.StatusDescription}";
            int width = Math.Max(20, _raw.BufferSize.Width - 1);
            if (line.Length > width) line = line[..width];
            _err.Write("\r" + line.PadRight(_progressWidth));
            _err.Flush();
            _progressWidth = line.Length;
        }
    }

    private void ClearProgress()
    {
        if (_progressWidth == 0) return;
        _err.Write("\r" + new string(' ', _progressWidth) + "\r");
        _progressWidth = 0;
    }

    private void Err(string line)
    {
        lock (_gate)
        {
            ClearProgress();
            _err.WriteLine(line);
            _err.Flush();
        }
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
        var result = new Dictionary<string, PSObject>();
        foreach (var d in descriptions)
        {
            Write($"{d.Name}: ");
            result[d.Name] = PSObject.AsPSObject(ReadLine());
        }
        return result;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
        for (int i = 0; i < choices.Count; i++)
            WriteLine($"  [{i}] {choices[i].Label.Replace("&", "")}{(i == defaultChoice ? " (default)" : "")}");
        while (true)
        {
            Write("Choice: ");
            string answer = ReadLine().Trim();
            if (answer.Length == 0 && defaultChoice >= 0) return defaultChoice;
            if (int.TryParse(answer, out int n) && n >= 0 && n < choices.Count) return n;
            for (int i = 0; i < choices.Count; i++)
                if (choices[i].Label.Replace("&", "").Equals(answer, StringComparison.OrdinalIgnoreCase)) return i;
            if (_in.Peek() < 0 && answer.Length == 0) throw new PSInvalidOperationException("no answer on standard input");
        }
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        if (string.IsNullOrEmpty(userName))
        {
            Write("User: ");
            userName = ReadLine();
        }
        Write("Password: ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }
}

/// <summary>Minimal raw UI: the console's size when there is one (formatting width), 120 columns otherwise.</summary>
public sealed class FilFilRawUI(bool console) : PSHostRawUserInterface
{
    private Size Window => console && TryWidth() is int w and > 0 ? new Size(w, 50) : new Size(120, 50);

    private static int? TryWidth()
    {
        try { return Console.WindowWidth; }
        catch (IOException) { return null; }
    }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get => Window; set { } }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 1;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => Window;
    public override Size MaxWindowSize => Window;
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get => Window; set { } }
    public override string WindowTitle { get; set; } = "fil-fil";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("fil-fil cannot read the screen buffer");
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("fil-fil reads lines, not keys");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
