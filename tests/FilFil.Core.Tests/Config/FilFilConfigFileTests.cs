using System.Collections;
using FilFil.Core.Config;
using Xunit;

namespace FilFil.Core.Tests.Config;

public sealed class FilFilConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-config-").FullName;
    private string File1 => Path.Combine(_dir, "sub", "config.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WritesReadsAndHidesTheToken()
    {
        const string token = "eyJhbGciOiJIUzI1NiJ9.secret-token";
        FilFilConfigFile.Write(File1, new FilFilSettings
        {
            RpcUrl = "http://127.0.0.1:1234/rpc/v1", RpcToken = token, Contract = "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
            DealBackend = "Curio", Miner = 1234,
        });
        var back = FilFilConfigFile.Read(File1);
        Assert.Equal(token, back.RpcToken);
        Assert.Equal(1234UL, back.Miner);
        Assert.DoesNotContain(token, back.ToString());
        var view = FilFilConfigFile.View(File1, new Hashtable());
        Assert.True(view.RpcTokenSet);
        Assert.False(view.KeystorePasswordSet);
        Assert.Equal("f01234", view.Miner);
        Assert.Empty(view.EnvironmentOverrides);
        Assert.DoesNotContain(token, view.ToString());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(File1));
    }

    [Fact]
    public void TheEnvironmentOverridesTheFile()
    {
        FilFilConfigFile.Write(File1, new FilFilSettings { RpcUrl = "http://127.0.0.1:1234/rpc/v1", Miner = 1 });
        var env = new Hashtable { ["FILFIL_RPC_URL"] = "http://10.0.0.1:1234/rpc/v1", ["FILFIL_MINER"] = "t01000", ["FILFIL_KEYSTORE_PASSWORD"] = "pw" };
        var view = FilFilConfigFile.View(File1, env);
        Assert.Equal("http://10.0.0.1:1234/rpc/v1", view.RpcUrl);
        Assert.Equal("f01000", view.Miner);
        Assert.True(view.KeystorePasswordSet);
        Assert.Equal(["RpcUrl", "Miner"], view.EnvironmentOverrides);
        Assert.Equal(Path.Combine(_dir, "x.json"), FilFilConfigFile.DefaultPath(new Hashtable { ["FILFIL_CONFIG"] = Path.Combine(_dir, "x.json") }));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(Path.Combine("/cfg", "filfil", "config.json"), FilFilConfigFile.DefaultPath(new Hashtable { ["XDG_CONFIG_HOME"] = "/cfg" }));
    }

    [Fact]
    public void BadValuesAreRefusedBeforeWriting()
    {
        Assert.Throws<FilFilFormatException>(() => FilFilConfigFile.Write(File1, new FilFilSettings { RpcUrl = "ftp://x" }));
        Assert.Throws<FilFilFormatException>(() => FilFilConfigFile.Write(File1, new FilFilSettings { Contract = "0x1234" }));
        Assert.Throws<FilFilFormatException>(() => FilFilConfigFile.Write(File1, new FilFilSettings { DealBackend = "Lighthouse" }));
        Assert.False(File.Exists(File1));
        Assert.Throws<FilFilFormatException>(() => FilFilConfigFile.View(File1, new Hashtable { ["FILFIL_MINER"] = "f1abc" }));
        Directory.CreateDirectory(Path.GetDirectoryName(File1)!);
        File.WriteAllText(File1, "{ not json");
        var e = Assert.Throws<FilFilFormatException>(() => FilFilConfigFile.Read(File1));
        Assert.Contains(File1, e.Message);
    }

    [Fact]
    public void ContractsAreStoredAs0x()
    {
        Assert.Equal("0xd388ab098ed3e84c0d808776440b48f685198498", FilFilConfigFile.NormalizeContract("f410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gmy"));
        Assert.Equal("0xd388ab098ed3e84c0d808776440b48f685198498", FilFilConfigFile.NormalizeContract("0xD388AB098ED3E84C0D808776440B48F685198498"));
        Assert.Throws<FilFilFormatException>(() => FilFilConfigFile.NormalizeContract("f01234"));
    }
}
