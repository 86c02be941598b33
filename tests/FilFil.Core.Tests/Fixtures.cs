using Xunit;

namespace FilFil.Core.Tests;

/// <summary>Locates ../shared/fixtures beside the repository (real Filecoin data).</summary>
public static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "FilFil.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("cannot find the repository root (FilFil.sln)");
    }

    public static string Dir { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));
    public static bool Available => Directory.Exists(Dir);
    public static string Filecoin(string name) => Path.Combine(Dir, "filecoin", name);
    public static string Commp(string name) => Path.Combine(Dir, "commp", name);

    public static string MainnetGenesis => Filecoin("mainnet.car.zst");
    public static string CalibnetGenesis => Filecoin("calibnet.car.zst");
    public static string Chain4 => Filecoin("mainnet-chain4-h0-3.car");

    public const string MissingMessage = "../shared/fixtures is not beside the repository";
}

/// <summary>A fact that needs ../shared/fixtures; skipped with a message where the folder is absent.</summary>
public sealed class FixtureFactAttribute : FactAttribute
{
    public FixtureFactAttribute() { if (!Fixtures.Available) Skip = Fixtures.MissingMessage; }
}

public sealed class FixtureTheoryAttribute : TheoryAttribute
{
    public FixtureTheoryAttribute() { if (!Fixtures.Available) Skip = Fixtures.MissingMessage; }
}
