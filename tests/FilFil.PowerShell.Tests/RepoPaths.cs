namespace FilFil.PowerShell.Tests;

/// <summary>Paths of the repository, the module manifest, the shared fixtures and the built fil-fil.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "FilFil.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("cannot find the repository root (FilFil.sln)");
    }

    public static string ModuleManifest => Path.Combine(Root, "FilFil.psd1");
    public static string FixturesDir => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));
    public static bool FixturesAvailable => Directory.Exists(FixturesDir);
    public static string Filecoin(string name) => Path.Combine(FixturesDir, "filecoin", name);

    /// <summary>fil-fil.dll of the same configuration as this test assembly (built through the ProjectReference).</summary>
    public static string FilFilDll
    {
        get
        {
            // .../tests/FilFil.PowerShell.Tests/bin/<Configuration>/net10.0/
            string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            string dll = Path.Combine(Root, "src", "FilFil.Cli", "bin", configuration, "net10.0", "fil-fil.dll");
            if (!File.Exists(dll)) throw new FileNotFoundException($"fil-fil is not built: {dll}");
            return dll;
        }
    }
}
