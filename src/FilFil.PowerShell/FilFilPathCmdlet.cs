using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace FilFil.PowerShell;

/// <summary>
/// Base of cmdlets that read files: -Path (wildcards, position 0, pipeline by value and by property name "Path") and
/// -LiteralPath (taken as written; aliases PSPath, LP and FullName bind FileInfo objects and Get-Item/Get-ChildItem
/// output by property name, Paths binds Get-FilFilSnapshot/New-FilFilSnapshot records (every file of a multi-piece
/// snapshot), Source binds Import-FilFilSnapshot output). <see cref="ResolveFiles"/> turns the current record's
/// parameters into existing file-system paths by the provider's rules, as Get-FileHash does.
/// </summary>
public abstract class FilFilPathCmdlet : FilFilCmdlet
{
    /// <summary>Parameter set name of -Path.</summary>
    public const string PathSet = "Path";
    /// <summary>Parameter set name of -LiteralPath.</summary>
    public const string LiteralPathSet = "LiteralPath";

    /// <summary>Files to read; wildcards allowed (escape a literal [ or ] with a backtick, as for Get-Item).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Files to read, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName", "Paths", "Source")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>
    /// The file-system paths named by -Path/-LiteralPath of the current record. -Path is resolved by the provider
    /// (GetResolvedProviderPathFromPSPath: wildcards expand, backtick escapes are honoured); -LiteralPath is taken as
    /// written (GetUnresolvedProviderPathFromPSPath). A path without wildcards that does not exist (FileNotFound), a
    /// directory given explicitly or a path on another provider (InvalidArgument) gives a non-terminating error and
    /// is skipped; a wildcard that matches nothing yields nothing (as Get-FileHash), and directories it matches are
    /// skipped.
    /// </summary>
    protected IEnumerable<string> ResolveFiles()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (var p in literal ? LiteralPath : Path)
        {
            IReadOnlyList<string> files;
            try
            {
                files = literal ? [ResolveLiteral(p)] : ResolvePattern(p);
            }
            catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
            {
                WriteError(CreateErrorRecord(e, p));
                continue;
            }
            foreach (var f in files) yield return f;
        }
    }

    /// <summary>The file-system path of <paramref name="p"/> taken as written; throws when it is no existing file.</summary>
    protected string ResolveLiteral(string p)
    {
        string one = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p, out var provider, out _);
        CheckProvider(provider, p);
        RequireFile(one, p);
        return one;
    }

    private List<string> ResolvePattern(string p)
    {
        bool wildcard = WildcardPattern.ContainsWildcardCharacters(p);
        System.Collections.ObjectModel.Collection<string> found;
        ProviderInfo provider;
        try
        {
            found = GetResolvedProviderPathFromPSPath(p, out provider);
        }
        catch (ItemNotFoundException) when (wildcard)
        {
            return []; // a pattern that matches nothing
        }
        catch (ItemNotFoundException e)
        {
            throw new FileNotFoundException(e.Message, p, e);
        }
        CheckProvider(provider, p);
        if (!wildcard)
        {
            foreach (var f in found) RequireFile(f, p);
            return found.ToList();
        }
        // a wildcard never matches the temporary file of a snapshot being written (or left by a killed process)
        return found.Where(f => File.Exists(f) && !FilFil.Core.Snapshot.TempFiles.IsTemporary(f)).ToList();
    }

    private static void RequireFile(string file, string p)
    {
        if (File.Exists(file)) return;
        if (Directory.Exists(file)) throw new ArgumentException($"'{p}' is a directory; a file is expected");
        throw new FileNotFoundException($"Cannot find path '{p}' because it does not exist.", file);
    }

    private static void CheckProvider(ProviderInfo provider, string p)
    {
        if (provider.ImplementingType != typeof(FileSystemProvider))
            throw new ArgumentException($"'{p}' is on the {provider.Name} provider; a file-system path is expected");
    }
}
