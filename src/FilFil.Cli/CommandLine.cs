using System.Management.Automation.Runspaces;

namespace FilFil.Cli;

/// <summary>What the command line asks for.</summary>
public enum CliMode
{
    /// <summary>Read commands from the prompt.</summary>
    Interactive,
    /// <summary>-Command '&lt;script&gt;'.</summary>
    Command,
    /// <summary>-File x.ps1 [args].</summary>
    File,
    /// <summary>A verb alias (fil-fil test-car x.car).</summary>
    Verb,
    /// <summary>-Help / --help.</summary>
    Help,
    /// <summary>--version.</summary>
    Version,
}

/// <summary>The parsed command line of fil-fil.</summary>
public sealed class CommandLine
{
    public CliMode Mode { get; private init; }
    /// <summary>Script text (-Command) or script path (-File) or verb name.</summary>
    public string? Target { get; private init; }
    /// <summary>Arguments after -File x.ps1 or after the verb, as PowerShell command parameters.</summary>
    public IReadOnlyList<CommandParameter> Arguments { get; private init; } = [];
    /// <summary>-Verbose (or --verbose) was given.</summary>
    public bool Verbose { get; private init; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> on a usage error.</summary>
    public static CommandLine Parse(string[] args)
    {
        bool verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (Normalize(a))
            {
                case "verbose":
                    verbose = true;
                    continue;
                case "help" or "h" or "?":
                    return new CommandLine { Mode = CliMode.Help };
                case "version":
                    return new CommandLine { Mode = CliMode.Version };
                case "command" or "c":
                    if (i + 1 >= args.Length) throw new ArgumentException("-Command needs a script, e.g. fil-fil -Command 'Test-FilFilCar x.car'");
                    return new CommandLine { Mode = CliMode.Command, Target = string.Join(' ', args[(i + 1)..]), Verbose = verbose };
                case "file" or "f":
                    if (i + 1 >= args.Length) throw new ArgumentException("-File needs a script path, e.g. fil-fil -File run.ps1 -Name value");
                    return new CommandLine { Mode = CliMode.File, Target = args[i + 1], Arguments = ToParameters(args[(i + 2)..], false, out _), Verbose = verbose };
            }
            if (a.StartsWith('-')) throw new ArgumentException($"unknown option '{a}' (see fil-fil --help)");
            var rest = ToParameters(args[(i + 1)..], true, out bool v2);
            return new CommandLine { Mode = CliMode.Verb, Target = a, Arguments = rest, Verbose = verbose || v2 };
        }
        return new CommandLine { Mode = CliMode.Interactive, Verbose = verbose };
    }

    private static string Normalize(string a) =>
        a.StartsWith("--", StringComparison.Ordinal) ? a[2..].ToLowerInvariant()
        : a.StartsWith('-') ? a[1..].ToLowerInvariant()
        : a.Equals("/?", StringComparison.Ordinal) ? "?"
        : "\0";

    /// <summary>
    /// Turns "-Name value", "-Name:value", "--kebab-name value" and positional values into parameters: a name without
    /// a value is passed alone and the engine's binder pairs it with the next positional value unless it is a switch.
    /// </summary>
    public static IReadOnlyList<CommandParameter> ToParameters(string[] args, bool kebab, out bool verbose)
    {
        verbose = false;
        var list = new List<CommandParameter>();
        foreach (var a in args)
        {
            if (a.Length > 1 && a[0] == '-' && !double.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                string name = a.TrimStart('-');
                string? value = null;
                int colon = name.IndexOf(':');
                if (colon > 0)
                {
                    value = name[(colon + 1)..];
                    name = name[..colon];
                }
                if (kebab || a.StartsWith("--", StringComparison.Ordinal)) name = Pascal(name);
                if (name.Equals("Verbose", StringComparison.OrdinalIgnoreCase)) verbose = true;
                list.Add(value is null ? new CommandParameter(name) : new CommandParameter(name, value));
            }
            else list.Add(new CommandParameter(null, a));
        }
        return list;
    }

    /// <summary>"skip-hash-check" → "SkipHashCheck".</summary>
    public static string Pascal(string kebab) =>
        string.Concat(kebab.Split('-', '_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
