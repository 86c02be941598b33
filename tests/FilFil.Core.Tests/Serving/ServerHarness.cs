using System.Net;
using System.Net.Sockets;
using FilFil.Core.Chain;
using FilFil.Core.Serving;
using FilFil.Core.Snapshot;
using Xunit;

namespace FilFil.Core.Tests.Serving;

/// <summary>
/// A real chain (the 4-height mainnet fixture) imported into an engine, snapshotted once as one CAR and once as
/// pieces of 1 MiB (the smallest legal piece; chain4 makes two), shared by the serving tests. Each test starts its own server on 127.0.0.1.
/// </summary>
public sealed class ServedChain : IAsyncLifetime
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("filfil-serve-").FullName;
    public ChainStore ChainStore { get; private set; } = null!;
    public SnapshotRecord Single { get; private set; } = null!;
    public SnapshotRecord Pieces { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!Fixtures.Available) return;
        ChainStore = await SnapshotImporter.ImportAsync(Fixtures.Chain4);
        Single = await SnapshotService.TakeAsync(ChainStore, new TakeSnapshotRequest { Path = Path.Combine(Dir, "single.car") }, null);
        Pieces = await SnapshotService.TakeAsync(ChainStore, new TakeSnapshotRequest { Path = Path.Combine(Dir, "split.car"), PieceSize = 1 << 20 }, null);
    }

    public Task DisposeAsync()
    {
        ChainStore?.Dispose();
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }

    public ServerSources Sources() => new(() => ChainStore, () => [Single, Pieces], () => 0);
}

/// <summary>Starts a <see cref="SnapshotServer"/> on a free loopback port and stops it on dispose.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    public RunningServer(ServerSources sources, ServerOptions? options = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FilFil.Core.Serving.HttpListenerLifetime.FreePort();
            var o = (options ?? new ServerOptions()) with { Prefix = $"http://127.0.0.1:{port}/" };
            var s = new SnapshotServer(o, sources);
            try
            {
                s.Start();
                Server = s;
                Port = port;
                Base = new Uri(o.Prefix);
                Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 64 }) { BaseAddress = Base, Timeout = TimeSpan.FromSeconds(60) };
                return;
            }
            catch (HttpListenerException) when (attempt < 5) { s.Dispose(); }
        }
    }

    public SnapshotServer Server { get; }
    public int Port { get; }
    public Uri Base { get; }
    public HttpClient Client { get; }


    /// <summary>A Host header the server answers to (the gate answers a host it does not serve with 421).</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Sends <c>GET target</c> as is over a raw socket (no client-side normalisation) and returns the status and response text.</summary>
    public Task<(int Status, string Text)> RawGetAsync(string target) =>
        RawAsync($"GET {target} HTTP/1.1\r\nHost: {Host}\r\nConnection: close\r\n\r\n");

    /// <summary>Sends <paramref name="requestHead"/> as is over a raw socket and returns the status code and body.</summary>
    public async Task<(int Status, string Text)> RawAsync(string requestHead)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        var s = tcp.GetStream();
        await s.WriteAsync(System.Text.Encoding.ASCII.GetBytes(requestHead));
        using var ms = new MemoryStream();
        var buf = new byte[8192];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            int n;
            while ((n = await s.ReadAsync(buf, cts.Token)) > 0)
            {
                ms.Write(buf, 0, n);
                var text = System.Text.Encoding.Latin1.GetString(ms.ToArray());
                int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end > 0)
                {
                    var cl = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                    if (cl is not null && text.Length - end - 4 >= long.Parse(cl[15..].Trim())) break;
                }
            }
        }
        catch (IOException) { }
        var all = System.Text.Encoding.Latin1.GetString(ms.ToArray());
        Assert.StartsWith("HTTP/1.", all);
        return (int.Parse(all.Split(' ')[1]), all);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.StopAsync();
    }
}

/// <summary>A client that sends a request body a server may refuse: how much of it the server took.</summary>
internal static class BodyWriter
{
    /// <summary>Writes up to <paramref name="max"/> body bytes until the peer stops taking them; returns how many went.</summary>
    public static async Task<long> BytesTakenAsync(NetworkStream s, long max = 150L << 20)
    {
        var chunk = new byte[64 << 10];
        long sent = 0;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (sent < max)
            {
                int len = (int)Math.Min(chunk.Length, max - sent);
                await s.WriteAsync(chunk.AsMemory(0, len), limit.Token);
                sent += len;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException) { }
        return sent;
    }
}
