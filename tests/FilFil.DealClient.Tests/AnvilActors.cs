using System.Numerics;
using System.Text.Json;
using FilFil.DealClient.Ethereum;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3.Accounts;

namespace FilFil.DealClient.Tests;

/// <summary>
/// Drives the actor stand-ins Deploy.s.sol installs on anvil (contracts/test/mocks/MockActors.sol): a miner actor
/// at 0xff‖0…‖id with MockMiner's code (anvil_setCode) controlled by an EVM address, the power stand-in's miner
/// list, and the market stand-in's AuthenticateMessage / PublishStorageDeals, the way the market actor calls them.
/// </summary>
internal static class AnvilActors
{
    public const string OwnerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    public const string Key2 = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
    public const string Market = "0xff00000000000000000000000000000000000005";
    public const string Power = "0xff00000000000000000000000000000000000004";

    public static string IdAddress(ulong id) => "0xff" + new string('0', 22) + id.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Makes actor <paramref name="id"/> a miner controlled by <paramref name="controller"/> (f410 form).</summary>
    public static async Task InstallMinerAsync(EthereumEndpoint endpoint, ulong id, string controller)
    {
        var code = DeployedCode("MockActors", "MockMiner");
        await endpoint.Web3.Client.SendRequestAsync<object>("anvil_setCode", null, IdAddress(id), code);
        var owner = new Account(OwnerKey, await endpoint.GetChainIdAsync());
        var f410 = Convert.FromHexString("040a" + controller[2..]);
        await endpoint.WaitForReceiptAsync(await endpoint.SendAsync(owner, IdAddress(id), new SetControllingFunction { FilAddress = f410, V = true }));
        await endpoint.WaitForReceiptAsync(await endpoint.SendAsync(owner, Power, new SetMinerFunction { Id = id, V = true }));
    }

    public static string DeployedCode(string file, string contract)
    {
        var path = Path.Combine(AbiMatchTests.RepoRoot(), "contracts", "out", file + ".sol", contract + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("deployedBytecode").GetProperty("object").GetString()!;
    }

    public static Task MineAsync(EthereumEndpoint endpoint, int blocks) =>
        endpoint.Web3.Client.SendRequestAsync<object>("anvil_mine", null, "0x" + blocks.ToString("x", System.Globalization.CultureInfo.InvariantCulture));

    [Function("setControlling")]
    public sealed class SetControllingFunction : FunctionMessage
    {
        [Parameter("bytes", "filAddress", 1)] public byte[] FilAddress { get; set; } = [];
        [Parameter("bool", "v", 2)] public bool V { get; set; }
    }

    [Function("setMiner")]
    public sealed class SetMinerFunction : FunctionMessage
    {
        [Parameter("uint64", "id", 1)] public ulong Id { get; set; }
        [Parameter("bool", "v", 2)] public bool V { get; set; }
    }

    /// <summary>MockMarket.authenticate: the AuthenticateMessage call alone, READ_ONLY, with Boost's placeholder signature.</summary>
    [Function("authenticate", "bool")]
    public sealed class AuthenticateFunction : FunctionMessage
    {
        [Parameter("address", "client", 1)] public string Client { get; set; } = "";
        [Parameter("bytes", "proposal", 2)] public byte[] Proposal { get; set; } = [];
    }

    [Function("publishStorageDeals")]
    public sealed class PublishStorageDealsFunction : FunctionMessage
    {
        [Parameter("address", "client", 1)] public string Client { get; set; } = "";
        [Parameter("bytes[]", "proposals", 2)] public List<byte[]> Proposals { get; set; } = [];
    }

    public static readonly BigInteger OneFil = BigInteger.Pow(10, 18);
}
