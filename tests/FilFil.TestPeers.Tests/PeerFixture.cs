using System.Net;
using System.Numerics;
using FilFil.Core.Ipld;
using FilFil.Core.Piece;
using FilFil.Core.Serving;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;
using FilFil.Devnet.Evm;
using Nethereum.Web3.Accounts;

namespace FilFil.TestPeers.Tests;

/// <summary>
/// anvil with FilFilDealClient (DevnetEvm: the stand-ins, two providers with miners f01001 and f01002, a funded pool),
/// both providers registered, one slot published with a real CAR's piece, and a local HTTP server serving CARs.
/// </summary>
public sealed class PeerFixture : IAsyncLifetime
{
    public const ulong Slot = 7;
    public DevnetEvm Evm { get; private set; } = null!;
    public EthereumEndpoint Endpoint { get; private set; } = null!;
    public Account Operator { get; private set; } = null!;
    public Account Provider1 { get; private set; } = null!;
    public Account Provider2 { get; private set; } = null!;
    /// <summary>The slot's pieces: 0 for the Boost deal, 1 for the Curio deal (Provider1), 2 and 3 for the refusals (Provider2).</summary>
    public byte[][] Cars { get; } = [MakeCar(2900, 1), MakeCar(2900, 2), MakeCar(2900, 3), MakeCar(2900, 4)];
    public PieceInfo[] Pieces { get; private set; } = null!;
    public CarServer Server { get; } = new();

    public async Task InitializeAsync()
    {
        var toolchain = EvmToolchain.Locate([AppContext.BaseDirectory]);
        Evm = await DevnetEvm.StartAsync(new DevnetEvmOptions
        {
            Toolchain = toolchain, Providers = 2,
            ContractParameters = new Dictionary<string, string> { ["Fund"] = (BigInteger.Pow(10, 18) * 100).ToString(), ["Window"] = "1000" },
        });
        Endpoint = new EthereumEndpoint(Evm.RpcUrl) { ReceiptPollInterval = TimeSpan.FromMilliseconds(100) };
        Operator = Evm.OpenAccount("Operator");
        Provider1 = Evm.OpenAccount("Provider1");
        Provider2 = Evm.OpenAccount("Provider2");
        foreach (var (acct, miner) in new[] { (Provider1, 1001UL), (Provider2, 1002UL) })
            await SendAsync(acct, new RegisterFunction { MinerId = miner, RetrievalUrl = "http://127.0.0.1:1/piece", AmountToSend = BigInteger.Pow(10, 19) });
        Pieces = Cars.Select(c => PieceCommitment.Compute(c)).ToArray();
        await SendAsync(Operator, new PublishSlotFunction
        {
            Slot = Slot,
            Pieces = Pieces.Select((p, i) => new PieceInput { PieceCid = p.PieceCidV1.Bytes.ToArray(), PaddedSize = p.PaddedSize, CarSize = (ulong)Cars[i].Length }).ToList(),
        });
        Server.Start();
    }

    public async Task<Nethereum.RPC.Eth.DTOs.TransactionReceipt> SendAsync<T>(Account from, T fn) where T : Nethereum.Contracts.FunctionMessage, new()
    {
        var hash = await Endpoint.SendAsync(from, Evm.Contract, fn);
        var receipt = await Endpoint.WaitForReceiptAsync(hash);
        Assert.Equal(1, (int)receipt.Status.Value);
        return receipt;
    }

    /// <summary>A CARv1 with one block of <paramref name="payload"/> pseudo-random bytes.</summary>
    public static byte[] MakeCar(int payload, int seed)
    {
        var data = new byte[payload];
        new Random(seed).NextBytes(data);
        var block = new CborWriter(payload + 8).WriteBytes(data).ToArray();
        var cid = Cid.Hash(block);
        var header = new CborWriter(64);
        header.WriteMap(2).WriteText("roots").WriteArray(1).WriteCid(cid).WriteText("version").WriteUInt(1);
        var ms = new MemoryStream();
        ms.Write(FilFil.Core.Encoding.Varint.Encode((ulong)header.Length));
        ms.Write(header.WrittenSpan);
        ms.Write(FilFil.Core.Encoding.Varint.Encode((ulong)(cid.Bytes.Length + block.Length)));
        ms.Write(cid.Bytes);
        ms.Write(block);
        return ms.ToArray();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Evm?.Dispose();
    }
}

/// <summary>Serves byte arrays at /piece/{name} on 127.0.0.1 (HEAD and GET, with Content-Length), as FilFil's server serves CARs.</summary>
public sealed class CarServer : IAsyncDisposable
{
    private HttpListener? _listener;
    private readonly Dictionary<string, byte[]> _files = new();
    private Task? _loop;

    public Uri BaseUrl { get; private set; } = null!;

    public string Serve(string name, byte[] data)
    {
        lock (_files) _files[name] = data;
        return new Uri(BaseUrl, "/piece/" + name).ToString();
    }

    public void Start()
    {
        var listener = _listener = HttpListenerLifetime.StartOnFreePort(p => $"http://127.0.0.1:{p}/", out int port);
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        _loop = Task.Run(async () =>
        {
            while (true)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                byte[]? data;
                lock (_files) _files.TryGetValue(ctx.Request.Url!.AbsolutePath.Replace("/piece/", ""), out data);
                try
                {
                    if (data is null) ctx.Response.StatusCode = 404;
                    else
                    {
                        ctx.Response.ContentLength64 = data.Length;
                        if (ctx.Request.HttpMethod == "GET") await ctx.Response.OutputStream.WriteAsync(data);
                    }
                }
                catch (HttpListenerException) { }
                finally { ctx.Response.Close(); }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null) HttpListenerLifetime.Stop(_listener);
        if (_loop is not null) await _loop;
    }
}
