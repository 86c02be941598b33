using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using Xunit;

namespace FilFil.PowerShell.Tests;

using PowerShell = System.Management.Automation.PowerShell;

/// <summary>
/// Every exported cmdlet is documented. The module's MAML (the file that ships, read from the source tree: Get-Help
/// in a hosted engine also searches the host's own folder, where a stale copy could answer) gives it a synopsis,
/// a description, at least one example and an entry for each of its parameters (as Get-Command reports them);
/// the MAML names no other cmdlet; docs/cmdlets has its page.
/// </summary>
public sealed class HelpCoverageTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";

    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    /// <summary>The exported cmdlets and their own parameters, from the module as PowerShell loads it.</summary>
    private static Dictionary<string, (string[] Own, string[] All)> Exported()
    {
        using var ps = PowerShell.Create(InitialSessionState.CreateDefault2());
        ps.AddCommand("Import-Module").AddParameter("Name", RepoPaths.ModuleManifest).Invoke();
        ps.Commands.Clear();
        var commands = ps.AddCommand("Get-Command").AddParameter("Module", "FilFil").Invoke<CmdletInfo>();
        Assert.NotEmpty(commands);
        return commands.ToDictionary(c => c.Name, c => (c.Parameters.Keys.Where(k => !Common.Contains(k)).ToArray(), c.Parameters.Keys.ToArray()), StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, XElement> Maml_() =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "src", "FilFil.PowerShell", "en-US", "FilFil.PowerShell.dll-Help.xml"))
            .Descendants(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim(), StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Every_exported_cmdlet_has_help_with_description_examples_every_parameter_and_a_docs_page()
    {
        var maml = Maml_();
        var problems = new List<string>();
        foreach (var (name, (parameters, all)) in Exported())
        {
            if (!File.Exists(Path.Combine(RepoPaths.Root, "docs", "cmdlets", name + ".md"))) problems.Add($"{name}: no docs/cmdlets/{name}.md");
            if (!maml.TryGetValue(name, out var c))
            {
                problems.Add($"{name}: no MAML entry");
                continue;
            }
            string synopsis = c.Element(Command + "details")!.Element(Maml + "description")?.Value.Trim() ?? "";
            if (synopsis.Length < 10) problems.Add($"{name}: no synopsis");
            string description = c.Element(Maml + "description")?.Value.Trim() ?? "";
            if (description.Length < 40) problems.Add($"{name}: no description");
            if (!c.Descendants(Command + "example").Any(e => e.Descendants().Any(d => d.Name.LocalName == "code" && d.Value.Contains(name, StringComparison.OrdinalIgnoreCase))))
                problems.Add($"{name}: no example that runs it");
            var documented = c.Element(Command + "parameters")?.Elements(Command + "parameter")
                .Select(p => p.Element(Maml + "name")!.Value.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? new HashSet<string>();
            foreach (var p in parameters)
                if (!documented.Contains(p)) problems.Add($"{name}: parameter -{p} is not in its help");
            foreach (var p in documented)
                if (!all.Contains(p, StringComparer.OrdinalIgnoreCase)) problems.Add($"{name}: its help documents -{p}, which it does not have");
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_maml_names_only_exported_cmdlets_each_once()
    {
        var exported = Exported().Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var named = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "FilFil.PowerShell", "en-US", "FilFil.PowerShell.dll-Help.xml"))
            .Descendants(Command + "details").Select(d => d.Element(Command + "name")!.Value.Trim()).ToList();
        Assert.Equal(named.Count, named.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Empty(named.Where(n => !exported.Contains(n)));
    }
}
