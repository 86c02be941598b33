using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace FilFil.Cli;

/// <summary>Minimal first host: runs -Command scripts with the FilFil module imported (extended by the host work).</summary>
public static class Host
{
    public static int Run(string[] args)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(Path.Combine(AppContext.BaseDirectory, "FilFil.psd1"));
        using var ps = PowerShell.Create(iss);
        if (args.Length < 2 || !args[0].Equals("-Command", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine("usage: fil-fil -Command '<script>'");
            return 2;
        }
        ps.AddScript(args[1]);
        foreach (var o in ps.Invoke()) Console.WriteLine(o);
        foreach (var e in ps.Streams.Error) Console.Error.WriteLine(e);
        return ps.HadErrors ? 1 : 0;
    }
}
