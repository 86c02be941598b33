using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace FilFil.DealClient.Tests;

/// <summary>
/// anvil from the contracts' npm toolchain on 127.0.0.1 (a free port), with FilFilDealClient deployed by
/// script/Deploy.s.sol and the actor stand-ins (FILFIL_ANVIL_MOCKS). Started once per test class, stopped on dispose.
/// A missing toolchain is a failure naming what to run.
/// </summary>
public sealed partial class AnvilFixture : IDisposable
{
    // anvil's default accounts (mnemonic "test test ... junk"): #0 deploys and owns, #1 and #2 are users.
    public const string Key1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    public const string Address1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    public const string Address2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

    private readonly Process _anvil;

    public AnvilFixture()
    {
        var contracts = Path.Combine(AbiMatchTests.RepoRoot(), "contracts");
        var bin = Path.Combine(contracts, "node_modules", ".bin");
        foreach (var tool in new[] { "anvil", "forge" })
            if (!File.Exists(Path.Combine(bin, tool)))
                throw new InvalidOperationException($"{Path.Combine(bin, tool)} is missing: run `npm ci` in {contracts}");
        Port = FreePort();
        Url = new Uri($"http://127.0.0.1:{Port}");
        _anvil = Process.Start(new ProcessStartInfo(Path.Combine(bin, "anvil"), ["--host", "127.0.0.1", "--port", Port.ToString(), "--silent"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        try
        {
            WaitForPort();
            var deploy = new ProcessStartInfo(Path.Combine(bin, "forge"),
                ["script", "script/Deploy.s.sol", "--rpc-url", Url.ToString(), "--broadcast", "--non-interactive", "--skip-simulation"])
            {
                WorkingDirectory = contracts, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            deploy.Environment["FILFIL_ANVIL_MOCKS"] = "true";
            using var forge = Process.Start(deploy)!;
            var stderr = forge.StandardError.ReadToEndAsync();
            var output = forge.StandardOutput.ReadToEnd();
            if (!forge.WaitForExit(TimeSpan.FromMinutes(5))) { forge.Kill(); throw new TimeoutException("forge script did not finish in 5 minutes"); }
            var m = Deployed().Match(output);
            if (forge.ExitCode != 0 || !m.Success)
                throw new InvalidOperationException($"forge script Deploy.s.sol failed (exit {forge.ExitCode}):\n{output}\n{stderr.Result}");
            Contract = m.Groups[1].Value;
            // forge can print the simulated address and still exit 0 without broadcasting: check the code is there.
            var code = new Nethereum.Web3.Web3(Url.ToString()).Eth.GetCode.SendRequestAsync(Contract).GetAwaiter().GetResult();
            if (string.IsNullOrEmpty(code) || code == "0x")
                throw new InvalidOperationException($"forge script printed {Contract} but no code is there:\n{output}\n{stderr.Result}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; }
    public Uri Url { get; }
    public string Contract { get; } = "";

    [GeneratedRegex(@"FilFilDealClient deployed at (0x[0-9a-fA-F]{40})")]
    private static partial Regex Deployed();

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private void WaitForPort()
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (_anvil.HasExited) throw new InvalidOperationException($"anvil exited ({_anvil.ExitCode}): {_anvil.StandardError.ReadToEnd()}");
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { Thread.Sleep(100); }
        }
        throw new TimeoutException($"anvil did not listen on 127.0.0.1:{Port} within 30 s");
    }

    public void Dispose()
    {
        try { if (!_anvil.HasExited) _anvil.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _anvil.WaitForExit(5000);
        _anvil.Dispose();
    }
}
