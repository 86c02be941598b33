using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Resources;
using Microsoft.PowerShell;

namespace FilFil.Cli;

/// <summary>
/// Entry point of the <c>fil-fil</c> executable: pwsh's own console host (<see cref="ConsoleShell"/>: prompt, tab
/// completion, history, profiles, -Command, -File, -NonInteractive, exit codes) over a session that has pwsh's modules
/// (from <c>Modules/</c> beside the executable, like <c>$PSHOME/Modules</c>) and the FilFil module imported.
/// A first argument that names a verb (<see cref="VerbTable"/>) is translated to a command line first
/// (<see cref="VerbTranslator"/>); a usage error there exits with 2.
/// </summary>
public static class Program
{
    /// <summary>The FilFil module manifest beside the executable (written there by the build).</summary>
    public static string ModuleManifest => Path.Combine(AppContext.BaseDirectory, "FilFil.psd1");

    public static int Main(string[] args)
    {
        // The hosted console host would otherwise send PowerShell's start-up telemetry and announce PowerShell updates,
        // which a fil-fil user cannot install into fil-fil; the user's own setting wins.
        SetIfUnset("POWERSHELL_TELEMETRY_OPTOUT", "1");
        SetIfUnset("POWERSHELL_UPDATECHECK", "Off");

        if (args.Length > 0 && args[0].ToLowerInvariant() is "--version" or "-version" or "-v")
        {
            Console.WriteLine($"fil-fil {Version(typeof(Program).Assembly)} (PowerShell {Version(typeof(PSObject).Assembly)})");
            return 0;
        }
        if (args.Length > 0 && IsVerbPosition(args[0]))
        {
            var verb = VerbTable.Find(args[0]);
            if (verb is null)
            {
                Console.Error.WriteLine($"fil-fil: unknown verb '{args[0]}'. Verbs: {string.Join(", ", VerbTable.All.Select(v => v.Verb))} (see fil-fil -Help)");
                return 2;
            }
            var translated = VerbTranslator.Translate(verb, args[1..], typeof(FilFil.PowerShell.FilFilCmdlet).Assembly);
            if (translated.Args is null)
            {
                Console.Error.WriteLine($"fil-fil {translated.Error}");
                return 2;
            }
            args = translated.Args;
        }
        return ConsoleShell.Start(CreateSessionState(), Banner, HelpText, args);
    }

    /// <summary>
    /// A first argument that is neither an option nor a script file is a verb. pwsh runs <c>pwsh x.ps1</c> as a file,
    /// and so does fil-fil.
    /// </summary>
    private static bool IsVerbPosition(string first) =>
        !first.StartsWith('-') && first != "/?" && !first.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) && !File.Exists(first)
        || VerbTable.Find(first) is not null;

    /// <summary>
    /// pwsh's session (<see cref="InitialSessionState.CreateDefault2"/>: Core, the rest auto-loaded from the module path)
    /// with the FilFil module imported. pwsh's own <c>$PSHOME/Modules</c> (copied by the build into <c>Modules/unix</c>
    /// and <c>Modules/win</c> beside the executable) goes first on PSModulePath: here <c>$PSHOME</c> is the folder of
    /// System.Management.Automation.dll, which a portable build keeps under <c>runtimes/</c>.
    /// </summary>
    public static InitialSessionState CreateSessionState()
    {
        string modules = Path.Combine(AppContext.BaseDirectory, "Modules", OperatingSystem.IsWindows() ? "win" : "unix");
        string? path = Environment.GetEnvironmentVariable("PSModulePath");
        if (path?.Split(Path.PathSeparator).Contains(modules) != true)
            Environment.SetEnvironmentVariable("PSModulePath", string.IsNullOrEmpty(path) ? modules : modules + Path.PathSeparator + path);
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(ModuleManifest);
        return iss;
    }

    private static void SetIfUnset(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is null) Environment.SetEnvironmentVariable(name, value);
    }

    private static string Version(Assembly a) =>
        (a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "?").Split('+', ' ')[0];

    private static string Banner =>
        $"fil-fil {Version(typeof(Program).Assembly)}: PowerShell {Version(typeof(PSObject).Assembly)} with the FilFil module. Verbs and options: fil-fil -Help";

    /// <summary>The -Help text: the verbs, then pwsh's own usage (the console host's resource).</summary>
    public static string HelpText =>
        $"""
        fil-fil: PowerShell {Version(typeof(PSObject).Assembly)} with the FilFil module in one executable.

        Verbs (fil-fil <verb> [values] [--some-arg v] runs <Cmdlet> -SomeArg v; values fill the positional parameters,
        an array parameter takes them all; a missing mandatory argument is a usage error, exit code 2; <verb> --help
        shows the cmdlet's help):
        {string.Join(Environment.NewLine, VerbTable.All.Select(v => $"  {v.Verb,-14} {v.Cmdlet,-22} {v.Summary}"))}

        Everything else is pwsh's command line (fil-fil -Command '<script>', fil-fil -File x.ps1 [args], no arguments
        for the interactive prompt); --version prints the versions.
        Environment: FILFIL_LOG_FILE (engine log file), FILFIL_LOG_LEVEL (Verbose..Fatal, default Warning).

        pwsh's command line (read pwsh as fil-fil):

        """ + PwshUsage();

    private static string PwshUsage()
    {
        try
        {
            var resources = new ResourceManager("Microsoft.PowerShell.ConsoleHost.resources.ManagedEntranceStrings", typeof(ConsoleShell).Assembly);
            return resources.GetString("UsageHelp", CultureInfo.CurrentUICulture) ?? "";
        }
        catch (MissingManifestResourceException)
        {
            return "";
        }
    }
}
