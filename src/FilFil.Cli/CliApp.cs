using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Reflection;


namespace FilFil.Cli;

using PowerShell = System.Management.Automation.PowerShell;

/// <summary>
/// fil-fil: hosts PowerShell in-process (Core cmdlets only), imports the FilFil module from beside the executable and
/// runs -Command, -File, a verb alias or an interactive prompt. Exit codes: 0 success, 1 any error record or
/// terminating error (or the script's <c>exit N</c>), 2 usage error (bad option, unknown verb, cmdlet not available).
/// </summary>
public sealed class CliApp
{
    private readonly TextWriter _out, _err;
    private readonly TextReader _in;
    private readonly FilFilHost _host;
    private readonly ManualResetEventSlim _ctrlC = new(false);
    private PowerShell? _current;
    private int _errors;
    private bool _shimsLoaded;

    public CliApp(TextWriter output, TextWriter error, TextReader input)
    {
        _out = output;
        _err = error;
        _in = input;
        _host = new FilFilHost(output, error, input);
    }

    /// <summary>The manifest loaded at start-up (beside the executable).</summary>
    public static string ModuleManifest => Path.Combine(AppContext.BaseDirectory, "FilFil.psd1");

    public int Run(string[] args)
    {
        CommandLine cl;
        try { cl = CommandLine.Parse(args); }
        catch (ArgumentException e)
        {
            _err.WriteLine($"fil-fil: {e.Message}");
            return 2;
        }
        if (cl.Mode == CliMode.Help)
        {
            _out.Write(HelpText);
            return 0;
        }
        if (cl.Mode == CliMode.Version)
        {
            _out.WriteLine($"fil-fil {InformationalVersion(typeof(CliApp).Assembly)} (PowerShell engine {InformationalVersion(typeof(PSObject).Assembly)})");
            return 0;
        }

        Console.CancelKeyPress += OnCancelKeyPress;
        try
        {
            using var runspace = OpenRunspace(out int startErrors);
            if (startErrors > 0) return 1;
            if (cl.Verbose && cl.Mode != CliMode.Verb) runspace.SessionStateProxy.SetVariable("VerbosePreference", ActionPreference.Continue);
            return cl.Mode switch
            {
                CliMode.Command => Finish(Execute(runspace, ps => ps.AddScript(cl.Target!))),
                CliMode.File => RunFile(runspace, cl),
                CliMode.Verb => RunVerb(runspace, cl),
                _ => RunInteractive(runspace),
            };
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            Core.Logging.FilFilLog.CloseAndFlush();
        }
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        var ps = _current; // read first: once _ctrlC is set, the main thread may start the next (stop) pipeline
        _ctrlC.Set();
        if (ps is not null)
        {
            try { ps.BeginStop(null, null); }
            catch (ObjectDisposedException) { }
        }
    }

    private Runspace OpenRunspace(out int errors)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(ModuleManifest);
        var runspace = RunspaceFactory.CreateRunspace(_host, iss);
        runspace.Open();
        using var shims = typeof(CliApp).Assembly.GetManifestResourceStream("HostShims.ps1")!;
        string script = new StreamReader(shims).ReadToEnd();
        errors = Execute(runspace, ps => ps.AddScript(script), format: false);
        _shimsLoaded = errors == 0;
        if (runspace.SessionStateProxy.InvokeCommand.GetCmdlet("Test-FilFilCar") is null)
        {
            _err.WriteLine($"fil-fil: the FilFil module did not load from {ModuleManifest}");
            errors++;
        }
        return runspace;
    }

    /// <summary>Exit code of a finished run: the script's <c>exit N</c> wins, else 1 if anything failed.</summary>
    private int Finish(int failures) => _host.ShouldExit ? _host.ExitCode : failures > 0 ? 1 : 0;

    private int RunFile(Runspace runspace, CommandLine cl)
    {
        string path = Path.GetFullPath(cl.Target!);
        if (!File.Exists(path))
        {
            _err.WriteLine($"fil-fil: script file '{cl.Target}' does not exist");
            return 2;
        }
        runspace.SessionStateProxy.SetVariable("global:LASTEXITCODE", 0);
        var script = runspace.SessionStateProxy.InvokeCommand.GetCommand(path, CommandTypes.ExternalScript);
        var parameters = CommandLine.ToParameters(cl.Arguments, false, n => CommandLine.IsSwitchOf(script, n));
        int failures = Execute(runspace, ps =>
        {
            ps.AddCommand(path);
            foreach (var p in parameters) ps.Commands.Commands[0].Parameters.Add(p);
        });
        if (_host.ShouldExit) return _host.ExitCode;
        if (runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int code && code != 0) return code;
        return failures > 0 ? 1 : 0;
    }

    private int RunVerb(Runspace runspace, CommandLine cl)
    {
        var alias = VerbTable.Find(cl.Target!);
        if (alias is null)
        {
            _err.WriteLine($"fil-fil: unknown verb '{cl.Target}'. Verbs: {string.Join(", ", VerbTable.All.Select(v => v.Verb))} (see fil-fil --help)");
            return 2;
        }
        var cmdlet = runspace.SessionStateProxy.InvokeCommand.GetCmdlet(alias.Cmdlet);
        if (cmdlet is null)
        {
            _err.WriteLine($"fil-fil {alias.Verb}: {alias.Cmdlet} is not available in this version of the FilFil module");
            return 2;
        }
        var parameters = CommandLine.ToParameters(cl.Arguments, true, n => CommandLine.IsSwitchOf(cmdlet, n));
        void Build(PowerShell ps)
        {
            ps.AddCommand(alias.Cmdlet);
            foreach (var p in parameters) ps.Commands.Commands[0].Parameters.Add(p);
        }
        if (alias.StopCmdlet is null) return Finish(Execute(runspace, Build));

        // A service: start it, show what started, wait for Ctrl-C, then stop it with the start output piped in.
        var started = new List<PSObject>();
        int failures = Execute(runspace, Build, format: false, collect: started);
        if (failures > 0 || _host.ShouldExit) return Finish(failures);
        failures += Execute(runspace, ps => ps.AddCommand("Out-Default"), input: started);
        _err.WriteLine($"fil-fil {alias.Verb}: running; press Ctrl-C to stop");
        _ctrlC.Reset();
        _ctrlC.Wait();
        if (runspace.SessionStateProxy.InvokeCommand.GetCmdlet(alias.StopCmdlet) is null)
        {
            _err.WriteLine($"fil-fil {alias.Verb}: {alias.StopCmdlet} is not available; the service stops with the process");
            return 1;
        }
        failures += Execute(runspace, ps => ps.AddCommand(alias.StopCmdlet), input: started);
        return Finish(failures);
    }

    private int RunInteractive(Runspace runspace)
    {
        _out.WriteLine($"fil-fil {InformationalVersion(typeof(CliApp).Assembly)}: PowerShell with the FilFil module (Core cmdlets only). Type 'exit' to quit.");
        int last = 0;
        while (true)
        {
            _out.Write("fil-fil> ");
            _out.Flush();
            string? line = _in.ReadLine();
            if (line is null) return last;
            string text = line;
            while (IsIncomplete(text))
            {
                _out.Write(">> ");
                _out.Flush();
                string? more = _in.ReadLine();
                if (more is null) break;
                text += "\n" + more;
            }
            if (string.IsNullOrWhiteSpace(text)) continue;
            _ctrlC.Reset();
            int failures = Execute(runspace, ps => ps.AddScript(text));
            last = failures > 0 ? 1 : 0;
            if (_host.ShouldExit) return _host.ExitCode;
        }
    }

    /// <summary>True when <paramref name="text"/> is an unfinished statement (open brace, quote, pipe at the end...).</summary>
    public static bool IsIncomplete(string text)
    {
        Parser.ParseInput(text, out _, out ParseError[] errors);
        return errors.Length > 0 && errors.Any(e => e.IncompleteInput);
    }

    /// <summary>
    /// Runs a pipeline on <paramref name="runspace"/>: output formatted by Out-Default through the host (the engine
    /// uses the loaded format views), errors written to stderr as they happen. Returns the number of error records
    /// plus one for a terminating error.
    /// </summary>
    private int Execute(Runspace runspace, Action<PowerShell> build, bool format = true, IEnumerable<PSObject>? input = null, List<PSObject>? collect = null)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        build(ps);
        if (format && collect is null && ps.Commands.Commands[^1].CommandText != "Out-Default")
        {
            if (_shimsLoaded) ps.AddCommand("__FilFilOut");
            ps.AddCommand("Out-Default");
        }
        int errors = 0;
        ps.Streams.Error.DataAdded += (_, e) =>
        {
            errors++;
            WriteError(((PSDataCollection<ErrorRecord>)ps.Streams.Error)[e.Index]);
        };
        _current = ps;
        try
        {
            var results = input is null ? ps.Invoke() : ps.Invoke(input);
            collect?.AddRange(results);
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            errors++;
            WriteError(e.ErrorRecord);
        }
        catch (PipelineStoppedException)
        {
            errors++;
            _err.WriteLine("fil-fil: stopped");
        }
        finally
        {
            _current = null;
        }
        if (ps.InvocationStateInfo.State == PSInvocationState.Stopped && errors == 0)
        {
            errors++;
            _err.WriteLine("fil-fil: stopped");
        }
        _errors += errors;
        return errors;
    }

    private void WriteError(ErrorRecord r)
    {
        string command = r.InvocationInfo?.MyCommand?.Name is { Length: > 0 } n ? n + ": " : "";
        string message = r.ErrorDetails?.Message is { Length: > 0 } d ? d : r.Exception?.Message ?? r.ToString();
        _host.UI.WriteErrorLine($"{command}{message}");
        _host.UI.WriteErrorLine($"    + CategoryInfo          : {r.CategoryInfo}");
        _host.UI.WriteErrorLine($"    + FullyQualifiedErrorId : {r.FullyQualifiedErrorId}");
        if (r.InvocationInfo is { ScriptName.Length: > 0 } ii)
            _host.UI.WriteErrorLine($"    + At                    : {ii.ScriptName}:{ii.ScriptLineNumber}");
    }

    private static string InformationalVersion(Assembly a) =>
        (a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "?").Split('+')[0];

    /// <summary>The --help text.</summary>
    public static string HelpText =>
        $"""
        fil-fil: FilFil's PowerShell engine in one executable (the FilFil module, Microsoft.PowerShell.Core cmdlets).

        Usage:
          fil-fil                              interactive prompt (multi-line input; 'exit' quits)
          fil-fil -Command '<script>'          run a script text, e.g. fil-fil -Command 'Test-FilFilCar *.car'
          fil-fil -File <x.ps1> [args]         run a script file; -Name value and positional args bind to its param()
          fil-fil <verb> [args] [--some-arg v] run a FilFil cmdlet; --some-arg v is passed as -SomeArg v
          fil-fil -Help | --help               this text
          fil-fil --version                    versions
        Options: -Verbose (verbose records and the engine's Debug log on stderr).
        Environment: FILFIL_LOG_FILE (engine log file), FILFIL_LOG_LEVEL (Verbose..Fatal, default Warning).

        Verbs:
        {string.Join(Environment.NewLine, VerbTable.All.Select(v => $"  {v.Verb,-14} {v.Cmdlet,-22} {v.Summary}"))}

        Output goes to stdout, errors/warnings/verbose/progress to stderr.
        Exit codes: 0 success; 1 an error record or terminating error (or the script's 'exit N'); 2 usage error.
        Help on a cmdlet: fil-fil -Command 'Get-Help Test-FilFilCar -Full'

        """;
}
