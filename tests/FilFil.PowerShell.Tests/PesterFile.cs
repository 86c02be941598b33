using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace FilFil.PowerShell.Tests;

using PowerShell = System.Management.Automation.PowerShell;

/// <summary>One It block found by parsing a *.Tests.ps1 file.</summary>
public sealed record ItCase(string File, int Line, string DisplayName);

/// <summary>Result of one It after running its file.</summary>
public sealed record ItResult(string Result, string Message);

/// <summary>Results of running one test file.</summary>
public sealed class FileRun
{
    public Dictionary<int, ItResult> ByLine { get; } = [];
    /// <summary>Discovery failures, AfterAll failures, error records written outside any It, timeouts.</summary>
    public List<string> FileErrors { get; } = [];
}

/// <summary>
/// Runs Pester 5 style test files in-process: <see cref="Discover"/> parses a file (Parser.ParseFile) into its It
/// blocks ("File > Describe > Context > It"); <see cref="Run"/> executes the file once in a fresh runspace
/// (CreateDefault2) with <c>Import-Module &lt;repo&gt;/FilFil.psd1</c> and MiniPester.ps1, and returns each It's
/// result keyed by its line. Runs are cached per file.
/// </summary>
public static class PesterFile
{
    private static readonly ConcurrentDictionary<string, Lazy<FileRun>> Runs = new();
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The It blocks of <paramref name="file"/>; a file with syntax errors yields one case at line 0.</summary>
    public static List<ItCase> Discover(string file, string displayRoot)
    {
        var ast = Parser.ParseFile(file, out _, out ParseError[] errors);
        string fileName = Path.GetRelativePath(displayRoot, file).Replace('\\', '/');
        if (errors.Length > 0) return [new ItCase(file, 0, $"{fileName} > (syntax errors)")];
        var cases = new List<ItCase>();
        var seen = new HashSet<string>();
        foreach (CommandAst it in ast.FindAll(a => a is CommandAst c && c.GetCommandName() is "It" or "it", true))
        {
            var names = new List<string> { NameOf(it) };
            for (Ast? p = it.Parent; p is not null; p = p.Parent)
                if (p is CommandAst c && c.GetCommandName() is { } n && (n.Equals("Describe", StringComparison.OrdinalIgnoreCase) || n.Equals("Context", StringComparison.OrdinalIgnoreCase)))
                    names.Insert(0, NameOf(c));
            string display = $"{fileName} > {string.Join(" > ", names)}";
            if (!seen.Add(display)) display += $" (line {it.Extent.StartLineNumber})";
            cases.Add(new ItCase(file, it.Extent.StartLineNumber, display));
        }
        return cases;
    }

    private static string NameOf(CommandAst c)
    {
        var elements = c.CommandElements;
        for (int i = 1; i < elements.Count; i++)
        {
            if (elements[i] is CommandParameterAst p)
            {
                if (p.ParameterName.Equals("Name", StringComparison.OrdinalIgnoreCase))
                    return p.Argument is not null ? Text(p.Argument) : i + 1 < elements.Count ? Text(elements[i + 1]) : "?";
                if (p.Argument is null && !IsSwitch(p.ParameterName)) i++; // skip the parameter's value
                continue;
            }
            return Text(elements[i]);
        }
        return "?";
    }

    private static bool IsSwitch(string name) => name.Equals("Skip", StringComparison.OrdinalIgnoreCase) || name.Equals("Pending", StringComparison.OrdinalIgnoreCase);

    private static string Text(Ast a) => a switch
    {
        StringConstantExpressionAst s => s.Value,
        ExpandableStringExpressionAst e => e.Value,
        _ => a.Extent.Text,
    };

    /// <summary>Runs <paramref name="file"/> once (cached) and returns the results.</summary>
    public static FileRun Run(string file) => Runs.GetOrAdd(Path.GetFullPath(file), f => new Lazy<FileRun>(() => RunUncached(f))).Value;

    /// <summary>Runs <paramref name="file"/> in a fresh runspace, without the cache.</summary>
    public static FileRun RunUncached(string file)
    {
        var run = new FileRun();
        var iss = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", RepoPaths.ModuleManifest).AddStatement()
          .AddScript($". '{RepoPaths.MiniPester.Replace("'", "''")}'").AddStatement()
          .AddCommand("Invoke-MiniPester").AddParameter("Path", file);
        var async = ps.BeginInvoke();
        if (!async.AsyncWaitHandle.WaitOne(Timeout))
        {
            ps.Stop();
            run.FileErrors.Add($"timed out after {Timeout}");
            return run;
        }
        PSDataCollection<PSObject> output;
        try { output = ps.EndInvoke(async); }
        catch (RuntimeException e)
        {
            run.FileErrors.Add($"runner failed: {e.ErrorRecord}");
            return run;
        }
        foreach (var e in ps.Streams.Error) run.FileErrors.Add($"error record outside any It: {e} ({e.InvocationInfo?.PositionMessage})");
        foreach (var o in output)
        {
            if (o.Properties["Results"]?.Value is not object[] results) continue;
            foreach (var r in results.Cast<PSObject>())
            {
                int line = Convert.ToInt32(r.Properties["Line"].Value);
                run.ByLine[line] = new ItResult((string)r.Properties["Result"].Value, (string)r.Properties["Message"].Value);
            }
            if (o.Properties["FileErrors"]?.Value is object[] fe) run.FileErrors.AddRange(fe.Select(x => x.ToString()!));
        }
        return run;
    }

    /// <summary>Outcome for one It: null if passed (or skipped), else the failure message.</summary>
    public static string? Failure(ItCase c, FileRun run, out bool skipped)
    {
        skipped = false;
        if (c.Line == 0) return "the file has syntax errors";
        var problems = new List<string>(run.FileErrors);
        if (!run.ByLine.TryGetValue(c.Line, out var r)) problems.Insert(0, "the It did not run");
        else if (r.Result == "Failed") problems.Insert(0, r.Message);
        else if (r.Result == "Skipped") skipped = true;
        return problems.Count == 0 ? null : string.Join(Environment.NewLine, problems);
    }
}
