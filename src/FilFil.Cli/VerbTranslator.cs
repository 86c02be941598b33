using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;

namespace FilFil.Cli;

/// <summary>
/// Turns <c>fil-fil &lt;verb&gt; [args]</c> into a pwsh command line for the console host:
/// <c>-NoProfile -NonInteractive -Command '&lt;Cmdlet&gt; -Name ''v'' ...'</c>.
/// Rules: <c>--some-arg v</c>, <c>-SomeArg v</c> and <c>--some-arg:v</c> name a parameter (kebab-case becomes
/// PascalCase; a unique prefix or an alias works, as in PowerShell); a switch takes no value (<c>--switch:false</c>
/// turns it off); the other arguments fill the positional parameters in order, and an array parameter takes all the
/// remaining ones (<c>fil-fil test-car a.car b.car</c>). The cmdlet's metadata is read from its type, without an engine,
/// so a usage error (unknown option, missing value, a mandatory parameter missing, options of different parameter
/// sets) is reported at once with exit code 2, never by a prompt. <c>--help</c> shows the cmdlet's help.
/// </summary>
public static class VerbTranslator
{
    /// <summary>A pwsh command line, or a usage error (<see cref="Args"/> null).</summary>
    public sealed record Result(string[]? Args, string? Error);

    private const string AllSets = "__AllParameterSets";

    /// <summary>The common parameters that are switches (the others, -ErrorAction and friends, take a value).</summary>
    private static readonly string[] CommonSwitches = ["Verbose", "Debug"];
    private static readonly string[] ShouldProcessSwitches = ["WhatIf", "Confirm"];

    /// <summary>Translates <paramref name="args"/> (the verb first) using the cmdlets of <paramref name="module"/>.</summary>
    public static Result Translate(VerbAlias verb, IReadOnlyList<string> args, Assembly module)
    {
        var type = module.GetExportedTypes().FirstOrDefault(t => t.GetCustomAttribute<CmdletAttribute>() is { } c
            && $"{c.VerbName}-{c.NounName}".Equals(verb.Cmdlet, StringComparison.OrdinalIgnoreCase));
        if (type is null) return Fail($"{verb.Verb}: {verb.Cmdlet} is not available in this version of the FilFil module");
        var attribute = type.GetCustomAttribute<CmdletAttribute>()!;
        var parameters = new CommandMetadata(type).Parameters;

        var named = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var switches = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        var positional = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }
            if (!IsName(a))
            {
                positional.Add(a);
                continue;
            }
            string name = a.TrimStart('-');
            string? value = null;
            int colon = name.IndexOf(':');
            if (colon > 0)
            {
                value = name[(colon + 1)..];
                name = name[..colon];
            }
            name = Pascal(name);
            if (name is "Help" or "H" or "?") return Help(verb);

            var (resolved, isSwitch, error) = Resolve(verb, name, a, parameters, attribute.SupportsShouldProcess);
            if (error is not null) return Fail(error);
            if (isSwitch)
            {
                if (value is null) switches[resolved!] = true;
                else if (bool.TryParse(value, out bool on)) switches[resolved!] = on;
                else return Fail($"{verb.Verb}: {a} is a switch; give it no value, or true/false after a colon");
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Count) return Fail($"{verb.Verb}: {a} needs a value");
                value = args[++i];
            }
            if (!named.TryGetValue(resolved!, out var values)) named[resolved!] = values = [];
            values.Add(value);
        }

        string? positionalError = BindPositional(verb, positional, parameters, named);
        if (positionalError is not null) return Fail(positionalError);
        foreach (var (name, values) in named)
        {
            if (values.Count > 1 && parameters.TryGetValue(name, out var m) && !m.ParameterType.IsArray)
                return Fail($"{verb.Verb}: {Kebab(name)} is given {values.Count} times but takes one value");
        }
        string? setError = CheckParameterSets(verb, attribute, parameters, named.Keys.Concat(switches.Keys).ToList());
        if (setError is not null) return Fail(setError);

        string invocation = verb.Cmdlet
            + string.Concat(named.Select(p => $" -{p.Key} {string.Join(",", p.Value.Select(Quote))}"))
            + string.Concat(switches.Select(s => s.Value ? $" -{s.Key}" : $" -{s.Key}:$false"));
        string script = verb.StopCmdlet is null
            ? invocation
            : ServiceScript(verb, invocation);
        return new Result(["-NoProfile", "-NonInteractive", "-Command", script], null);
    }

    /// <summary>
    /// A long-running service: start it, show what started, wait until Ctrl-C stops the pipeline, then stop it with the
    /// start output piped in (a finally block runs when the console host stops the pipeline). A clean stop exits with 0
    /// (pwsh's exit code for a stopped -Command pipeline is 1).
    /// </summary>
    private static string ServiceScript(VerbAlias verb, string invocation) =>
        $$"""
        $filfilStarted = {{invocation}}
        if (-not $?) { exit 1 }
        $filfilStarted | Out-Default
        [Console]::Error.WriteLine('fil-fil {{verb.Verb}}: running; press Ctrl-C to stop')
        try { while ($true) { Start-Sleep -Seconds 1 } }
        finally {
            $filfilStarted | {{verb.StopCmdlet}}
            if ($?) { $Host.SetShouldExit(0) }
        }
        """;

    private static Result Help(VerbAlias verb) =>
        new(["-NoProfile", "-NonInteractive", "-Command", $"Get-Help {verb.Cmdlet} -Full"], null);

    private static Result Fail(string message) => new(null, message);

    /// <summary>The parameter <paramref name="name"/> means: exact name, alias, or unique prefix; common parameters too.</summary>
    private static (string? Name, bool IsSwitch, string? Error) Resolve(VerbAlias verb, string name, string given,
        Dictionary<string, ParameterMetadata> parameters, bool shouldProcess)
    {
        var candidates = parameters.Values
            .Select(p => (p.Name, IsSwitch: p.SwitchParameter, Aliases: (IEnumerable<string>)p.Aliases))
            .Concat(CommonSwitches.Concat(shouldProcess ? ShouldProcessSwitches : []).Select(n => (Name: n, IsSwitch: true, Aliases: Enumerable.Empty<string>())))
            .Concat(Cmdlet.CommonParameters.Except(CommonSwitches).Select(n => (Name: n, IsSwitch: false, Aliases: Enumerable.Empty<string>())))
            .DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var exact = candidates.Where(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            || c.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        var matches = exact.Count > 0 ? exact : candidates.Where(c => c.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => (matches[0].Name, matches[0].IsSwitch, null),
            0 => (null, false, $"{verb.Verb}: unknown option {given} (options: {string.Join(" ", parameters.Keys.Select(Kebab))}; see fil-fil {verb.Verb} --help)"),
            _ => (null, false, $"{verb.Verb}: {given} is ambiguous: {string.Join(", ", matches.Select(m => Kebab(m.Name)))}"),
        };
    }

    /// <summary>Positional values fill the positional parameters not named, in position order; an array takes the rest.</summary>
    private static string? BindPositional(VerbAlias verb, List<string> values, Dictionary<string, ParameterMetadata> parameters,
        Dictionary<string, List<string>> named)
    {
        var slots = parameters.Values
            .Select(p => (Parameter: p, Position: p.ParameterSets.Values.Select(s => s.Position).Where(x => x >= 0).DefaultIfEmpty(-1).Min()))
            .Where(s => s.Position >= 0 && !named.ContainsKey(s.Parameter.Name))
            .OrderBy(s => s.Position)
            .Select(s => s.Parameter)
            .ToList();
        int next = 0;
        foreach (var slot in slots)
        {
            if (next >= values.Count) break;
            int take = slot.ParameterType.IsArray ? values.Count - next : 1;
            named[slot.Name] = values.GetRange(next, take);
            next += take;
        }
        return next < values.Count
            ? $"{verb.Verb}: unexpected argument '{values[next]}' (see fil-fil {verb.Verb} --help)"
            : null;
    }

    /// <summary>
    /// Some parameter set must hold every parameter given and have all its mandatory parameters: otherwise the cmdlet
    /// would prompt for them (or fail to bind), which a command line under cron must never do.
    /// </summary>
    private static string? CheckParameterSets(VerbAlias verb, CmdletAttribute attribute, Dictionary<string, ParameterMetadata> parameters,
        List<string> given)
    {
        var own = given.Where(parameters.ContainsKey).ToList();
        // A default set no parameter names holds only the parameters of all sets (e.g. New-FilFilSnapshot of the head).
        var sets = parameters.Values.SelectMany(p => p.ParameterSets.Keys)
            .Append(attribute.DefaultParameterSetName ?? AllSets)
            .Where(s => s != AllSets).Distinct().ToList();
        if (sets.Count == 0) sets.Add(AllSets);
        bool InSet(string parameter, string set) =>
            parameters[parameter].ParameterSets.ContainsKey(set) || parameters[parameter].ParameterSets.ContainsKey(AllSets);
        List<string> Missing(string set) => parameters.Values
            .Where(p => (p.ParameterSets.TryGetValue(set, out var s) && s.IsMandatory) || (p.ParameterSets.TryGetValue(AllSets, out var a) && a.IsMandatory))
            .Where(p => !given.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
            .Select(p => p.Name)
            .ToList();

        var compatible = sets.Where(set => own.All(p => InSet(p, set))).ToList();
        if (compatible.Count == 0)
            return $"{verb.Verb}: {string.Join(", ", own.Select(Kebab))} cannot be used together (see fil-fil {verb.Verb} --help)";
        if (compatible.Any(set => Missing(set).Count == 0)) return null;
        string best = compatible.Contains(attribute.DefaultParameterSetName ?? "") ? attribute.DefaultParameterSetName! : compatible[0];
        return $"{verb.Verb}: missing {string.Join(", ", Missing(best).Select(Kebab))} ({verb.Cmdlet} needs {string.Join(", ", Missing(best).Select(n => "-" + n))}; see fil-fil {verb.Verb} --help)";
    }

    private static bool IsName(string a) =>
        a.Length > 1 && a[0] == '-' && !double.TryParse(a, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>A single-quoted PowerShell string literal (every kind of single quote PowerShell accepts is doubled).</summary>
    private static string Quote(string value) => "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";

    /// <summary>"skip-hash-check" → "SkipHashCheck"; "SkipHashCheck" stays.</summary>
    public static string Pascal(string kebab) =>
        string.Concat(kebab.Split('-', '_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>"SkipHashCheck" → "--skip-hash-check".</summary>
    public static string Kebab(string pascal) =>
        "--" + string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 && !char.IsUpper(pascal[i - 1]) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
