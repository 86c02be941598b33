using Xunit;
using Xunit.Abstractions;

namespace FilFil.PowerShell.Tests;

/// <summary>Every It of tests/acceptance/**/*.Tests.ps1 as one test case ("File > Describe > It").</summary>
public sealed class AcceptanceTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, ItCase> ByName = Directory
        .EnumerateFiles(RepoPaths.AcceptanceDir, "*.Tests.ps1", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .SelectMany(f => PesterFile.Discover(f, RepoPaths.AcceptanceDir))
        .ToDictionary(c => c.DisplayName);

    public static IEnumerable<object[]> Cases => ByName.Keys.Select(k => new object[] { new AcceptanceCase(k) });

    [Theory]
    [MemberData(nameof(Cases))]
    public void It(AcceptanceCase test)
    {
        var c = ByName[test.Name];
        var failure = PesterFile.Failure(c, PesterFile.Run(c.File), out bool skipped);
        if (skipped) output.WriteLine("skipped (It -Skip)");
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void AcceptanceFilesExist() => Assert.NotEmpty(ByName);
}

/// <summary>A test case name ("File > Describe > It"), serializable so each It is its own xUnit case, shown in full.</summary>
public sealed class AcceptanceCase : IXunitSerializable
{
    public AcceptanceCase() { }
    public AcceptanceCase(string name) => Name = name;
    public string Name { get; private set; } = "";
    public void Deserialize(IXunitSerializationInfo info) => Name = info.GetValue<string>(nameof(Name));
    public void Serialize(IXunitSerializationInfo info) => info.AddValue(nameof(Name), Name);
    public override string ToString() => Name;
}
