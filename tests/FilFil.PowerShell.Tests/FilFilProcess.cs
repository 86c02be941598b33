using System.Diagnostics;

namespace FilFil.PowerShell.Tests;

/// <summary>Runs the built fil-fil as a child process (<c>dotnet fil-fil.dll ...</c>) with a timeout.</summary>
public static class FilFilProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Result Run(string? stdin, params string[] args) => Run(stdin, null, args);

    /// <summary>Runs fil-fil with <paramref name="environment"/> added to (or, for null values, removed from) its environment.</summary>
    public static Result Run(string? stdin, IReadOnlyDictionary<string, string?>? environment, params string[] args)
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
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"fil-fil {string.Join(' ', args)} did not finish in 90 s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
