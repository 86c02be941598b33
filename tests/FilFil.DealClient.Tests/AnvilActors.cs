using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace FilFil.DealClient.Tests;

/// <summary>
/// Drives the market stand-in Deploy.s.sol installs on anvil (contracts/test/mocks/MockActors.sol):
/// AuthenticateMessage / PublishStorageDeals, the way the market actor calls them. (The miner stand-ins are set up
/// by <see cref="FilFil.Devnet.Evm.DevnetEvm"/> for its provider accounts.)
/// </summary>
internal static class AnvilActors
{
    public const string Market = "0xff00000000000000000000000000000000000005";

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
