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
    /// <summary>Arguments after -File x.ps1 or after the verb (see <see cref="ToParameters"/>).</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];
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
                    return new CommandLine { Mode = CliMode.File, Target = args[i + 1], Arguments = args[(i + 2)..], Verbose = verbose };
            }
            if (a.StartsWith('-')) throw new ArgumentException($"unknown option '{a}' (see fil-fil --help)");
            var rest = args[(i + 1)..];
            bool v2 = rest.Any(r => r.Equals("--verbose", StringComparison.OrdinalIgnoreCase) || r.Equals("-Verbose", StringComparison.OrdinalIgnoreCase));
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
    /// Turns "-Name value", "-Name:value", "--kebab-name value" and positional values into parameters.
    /// <paramref name="isSwitch"/> tells whether a parameter name is a switch (null: unknown); a non-switch name
    /// takes the next argument as its value, a switch or a name followed by nothing or another name stands alone.
    /// </summary>
    public static IReadOnlyList<CommandParameter> ToParameters(IReadOnlyList<string> args, bool kebab, Func<string, bool?> isSwitch)
    {
        var list = new List<CommandParameter>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (!IsName(a))
            {
                list.Add(new CommandParameter(null, a));
                continue;
            }
            string name = a.TrimStart('-');
            int colon = name.IndexOf(':');
            string? value = null;
            if (colon > 0)
            {
                value = name[(colon + 1)..];
                name = name[..colon];
            }
            if (kebab || a.StartsWith("--", StringComparison.Ordinal)) name = Pascal(name);
            if (value is not null)
            {
                list.Add(new CommandParameter(name, value));
                continue;
            }
            bool hasNext = i + 1 < args.Count && !IsName(args[i + 1]);
            if (isSwitch(name) != true && hasNext) list.Add(new CommandParameter(name, args[++i]));
            else list.Add(new CommandParameter(name, true));
        }
        return list;
    }

    private static bool IsName(string a) =>
        a.Length > 1 && a[0] == '-' && !double.TryParse(a, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Whether <paramref name="name"/> (or a unique prefix or alias) names a switch of <paramref name="command"/>; null if unknown.</summary>
    public static bool? IsSwitchOf(System.Management.Automation.CommandInfo? command, string name)
    {
        Dictionary<string, System.Management.Automation.ParameterMetadata>? ps;
        try { ps = command?.Parameters; }
        catch (System.Management.Automation.RuntimeException) { ps = null; }
        if (ps is null) return name is "Verbose" or "Debug" or "WhatIf" or "Confirm" ? true : null;
        if (ps.TryGetValue(name, out var exact)) return exact.SwitchParameter;
        var matches = ps.Values.Where(m => m.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)
            || m.Aliases.Any(al => al.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
        return matches.Count == 1 ? matches[0].SwitchParameter : null;
    }

    /// <summary>"skip-hash-check" → "SkipHashCheck".</summary>
    public static string Pascal(string kebab) =>
        string.Concat(kebab.Split('-', '_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
