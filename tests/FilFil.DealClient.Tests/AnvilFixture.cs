using FilFil.Devnet.Evm;
using Nethereum.Web3.Accounts;
using Xunit;

namespace FilFil.DealClient.Tests;

/// <summary>
/// The devnet's own EVM (<see cref="DevnetEvm"/>, what <c>Start-FilFilDevnet -Evm</c> starts): anvil from the
/// contracts' npm toolchain on 127.0.0.1, FilFilDealClient deployed by script/Deploy.s.sol with the actor stand-ins
/// and its default parameters, the Operator owning it, Provider1 and Provider2 controlling the miner stand-ins
/// <see cref="Miner1"/> and <see cref="Miner2"/>, and a User. Started once per test class, stopped on dispose.
/// A missing toolchain is a failure naming what to install.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    public const ulong Miner1 = 1001, Miner2 = 1002;

    public DevnetEvm Evm { get; private set; } = null!;
    public Uri Url => Evm.RpcUrl;
    public string Contract => Evm.Contract;
    public Account Operator { get; private set; } = null!;
    public Account Provider1 { get; private set; } = null!;
    public Account Provider2 { get; private set; } = null!;
    public Account User { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Evm = await DevnetEvm.StartAsync(new DevnetEvmOptions { Toolchain = EvmToolchain.Locate([AbiMatchTests.RepoRoot()]), Providers = 2 });
        Operator = Evm.OpenAccount("Operator");
        Provider1 = Evm.OpenAccount("Provider1");
        Provider2 = Evm.OpenAccount("Provider2");
        User = Evm.OpenAccount("User");
    }

    public Task DisposeAsync()
    {
        Evm?.Dispose();
        return Task.CompletedTask;
    }
}
