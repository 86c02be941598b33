using System.Diagnostics;

namespace FilFil.PowerShell.Tests;

/// <summary>Runs the built fil-fil as a child process (<c>dotnet fil-fil.dll ...</c>) with a timeout.</summary>
public static class FilFilProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:N1} s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Result Run(string? stdin, params string[] args) => Run(stdin, null, args);

    /// <summary>Runs fil-fil with <paramref name="environment"/> added to (or, for null values, removed from) its environment.</summary>
    public static Result Run(string? stdin, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        Run(stdin, environment, closeStdin: true, TimeSpan.FromSeconds(90), args);

    /// <summary>
    /// Runs fil-fil; <paramref name="stdin"/> is written to its standard input, which is then closed (as under cron)
    /// unless <paramref name="closeStdin"/> is false (a pipe nobody writes to: a prompt would wait forever).
    /// </summary>
    public static Result Run(string? stdin, IReadOnlyDictionary<string, string?>? environment, bool closeStdin, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(RepoPaths.FilFilDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("FILFIL_LOG_FILE");
        psi.Environment.Remove("FILFIL_LOG_LEVEL");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        if (closeStdin) p.StandardInput.Close();
        else p.StandardInput.Flush();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"fil-fil {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
