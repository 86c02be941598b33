using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace FilFil.PowerShell;

/// <summary>
/// Base of cmdlets that read files: -Path (wildcards, position 0, pipeline by value and by property name "Path") and
/// -LiteralPath (aliases PSPath, LP, FullName: binds FileInfo objects and Get-Item/Get-ChildItem output by property
/// name). <see cref="ResolveFiles"/> turns the current record's parameters into existing file-system paths.
/// </summary>
public abstract class FilFilPathCmdlet : FilFilCmdlet
{
    /// <summary>Parameter set name of -Path.</summary>
    public const string PathSet = "Path";
    /// <summary>Parameter set name of -LiteralPath.</summary>
    public const string LiteralPathSet = "LiteralPath";

    /// <summary>Files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Files to read, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>
    /// The file-system paths named by -Path/-LiteralPath of the current record. A literal or non-wildcard path that
    /// does not exist, a directory given explicitly, or a path on another provider gives a non-terminating error and
    /// is skipped; a wildcard that matches nothing yields nothing (like Get-Item); directories matched by a wildcard
    /// are skipped.
    /// </summary>
    protected IEnumerable<string> ResolveFiles()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (var p in literal ? LiteralPath : Path)
        {
            var resolved = new List<string>();
            bool wildcard = !literal && WildcardPattern.ContainsWildcardCharacters(p);
            try
            {
                ProviderInfo provider;
                if (literal || !wildcard)
                {
                    string one = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p, out provider, out _);
                    CheckProvider(provider, p);
                    if (!File.Exists(one))
                    {
                        if (Directory.Exists(one))
                            throw new ArgumentException($"'{p}' is a directory; a file is expected");
                        throw new FileNotFoundException($"Cannot find path '{p}' because it does not exist.", one);
                    }
                    resolved.Add(one);
                }
                else
                {
                    foreach (var f in GetResolvedProviderPathFromPSPath(p, out provider))
                    {
                        CheckProvider(provider, p);
                        if (File.Exists(f)) resolved.Add(f);
                    }
                }
            }
            catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
            {
                WriteError(CreateErrorRecord(e, p));
                continue;
            }
            foreach (var f in resolved) yield return f;
        }
    }

    private static void CheckProvider(ProviderInfo provider, string p)
    {
        if (provider.ImplementingType != typeof(FileSystemProvider))
            throw new ArgumentException($"'{p}' is on the {provider.Name} provider; a file-system path is expected");
    }
}
