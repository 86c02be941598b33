using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using FilFil.Core.Chain;
using FilFil.Core.Lotus;
using FilFil.Core.Serving;
using FilFil.Core.Snapshot;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// Issue 15's server-abuse campaign (args: [seconds per attack=20] [idle connections=1000] [memory bound MiB=1536]).
/// Against the devnet JSON-RPC server and the HTTP snapshot server, both in this process on 127.0.0.1, one attack at a
/// time: a flood of requests from clients that never read, <c>idle</c> idle and slowloris connections, an oversized
/// frame or body (150 MiB, over the devnet's 100 MiB cap), malformed frames (garbage after the upgrade, invalid JSON,
/// JSON nested 100,000 deep, binary frames, bad request lines), and for the HTTP server downloads that are never read.
/// Meanwhile a well-behaved client calls each server every 100 ms (a persistent connection and a new one per call):
/// its slowest answer must stay under 1 s, the process's peak resident memory under the bound, and both servers must
/// answer after the attack. Prints per attack the probe's calls, median and slowest latency, failures, and PASS/FAIL.
/// </summary>
public sealed class AbuseCampaign : IBenchmark
{
    public string Name => "abuse";
    public string Description => "floods, never-reading clients, 1,000 idle connections, oversized/malformed frames vs the devnet and HTTP servers";

    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(1);

    public int Run(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        int idle = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        long boundMiB = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 1536;
        return RunAsync(TimeSpan.FromSeconds(seconds), idle, boundMiB).GetAwaiter().GetResult();
    }

    private sealed record Attack(string Target, string Name, Func<CancellationToken, Task> Run);

    private static async Task<int> RunAsync(TimeSpan duration, int idle, long boundMiB)
    {
        string dir = Directory.CreateTempSubdirectory("filfil-abuse-").FullName;
        var clock = Stopwatch.StartNew();
        // every rejected or cut request of the attackers would log a warning: errors only
        FilFil.Core.Logging.FilFilLog.Configure(Serilog.Events.LogEventLevel.Error);
        await using var devnet = await DevnetServer.StartAsync(new DevnetOptions { Seed = 15, StateBlocks = 4000, ChurnPerEpoch = 8, MessagesPerBlock = 2 });
        devnet.Chain.Advance(10);
        string car = Path.Combine(dir, "chain.car");
        EngineChain.Write(car, 20, 40_000);
        using var engine = await SnapshotImporter.ImportAsync(car, new ChainStoreOptions { RecentStateRoots = 20, ReorgDepth = 0 });
        var record = await SnapshotService.TakeAsync(engine, new TakeSnapshotRequest { Path = Path.Combine(dir, "served.car"), RecentStateRoots = 20, SkipOldMessages = true }, null);
        int httpPort = DevnetServer.FreePort();
        using var http = new SnapshotServer(new ServerOptions { Prefix = $"http://127.0.0.1:{httpPort}/" }, new ServerSources(() => engine, () => [record], () => 0));
        http.Start();
        var httpBase = new Uri($"http://127.0.0.1:{httpPort}/");
        byte[] servedBytes = await File.ReadAllBytesAsync(record.Paths[0]);
        Console.WriteLine($"devnet on {devnet.Endpoint}, HTTP server on {httpBase}; served snapshot {servedBytes.Length / 1e6:N1} MB; {duration.TotalSeconds:N0} s per attack, load {Machine.LoadAverage()}");

        var attacks = new List<Attack>
        {
            new("devnet", "flood, never read (8 clients)", ct => Parallel(8, _ => WsFlood(devnet.Endpoint, ct))),
            new("devnet", $"{idle} idle + slowloris connections", ct => IdleConnections(devnet.Port, idle, "GET /rpc/v1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nX-Slow: ", ct)),
            new("devnet", "oversized frame (150 MiB)", ct => WsOversized(devnet.Endpoint, ct)),
            new("devnet", "malformed frames", ct => Parallel(4, _ => WsMalformed(devnet.Endpoint, devnet.Port, ct))),
            new("http", "flood of requests (32 clients)", ct => Parallel(32, _ => HttpFlood(httpBase, ct))),
            new("http", "downloads never read (64 clients)", ct => Parallel(64, _ => NeverReadDownload(httpPort, $"/snapshots/{record.Height}.car", ct))),
            new("http", $"{idle} idle + slowloris connections", ct => IdleConnections(httpPort, idle, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", ct)),
            new("http", "oversized and malformed requests", ct => Parallel(4, _ => HttpMalformed(httpPort, ct))),
        };
        int rc = 0;
        long peak = 0;
        foreach (var attack in attacks)
        {
            using var cts = new CancellationTokenSource(duration);
            var probe = new Probe(devnet.Endpoint, httpBase, $"snapshots/{record.Height}.car", servedBytes.Length);
            var probing = probe.RunAsync(cts.Token);
            long attackPeak = 0;
            var sampler = Task.Run(async () =>
            {
                while (!cts.IsCancellationRequested)
                {
                    attackPeak = Math.Max(attackPeak, Environment.WorkingSet);
                    peak = Math.Max(peak, attackPeak);
                    try { await Task.Delay(50, cts.Token); } catch (OperationCanceledException) { }
                }
            });
            try { await attack.Run(cts.Token); }
            catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or SocketException or HttpRequestException) { }
            await Task.WhenAll(probing, sampler);
            // both servers answer after the attack
            bool alive = await probe.OnceAsync(attack.Target, CancellationToken.None) is { } after && after < TimeSpan.FromSeconds(5);
            var s = probe.For(attack.Target);
            bool ok = s.Calls > 0 && s.Failures == 0 && s.Max < ProbeLimit && alive;
            if (!ok) rc = 1;
            Console.WriteLine($"{attack.Target,-6} {attack.Name,-40} probe {s.Calls,4} calls, median {s.Median.TotalMilliseconds,6:N1} ms, slowest {s.Max.TotalMilliseconds,7:N1} ms, failures {s.Failures}{(s.FirstFailure is null ? "" : $" ({s.FirstFailure})")}; peak RSS {attackPeak >> 20} MiB; {(ok ? "PASS" : "FAIL")}");
            GC.Collect();
        }
        long rssAfter = Environment.WorkingSet;
        bool memOk = peak >> 20 < boundMiB;
        if (!memOk) rc = 1;
        Console.WriteLine($"memory            peak RSS {peak >> 20} MiB (bound {boundMiB} MiB) {(memOk ? "PASS" : "FAIL")}; after the attacks {rssAfter >> 20} MiB, GC heap {GC.GetTotalMemory(true) >> 20} MiB");
        Console.WriteLine($"devnet            {devnet.ConnectionCount} connections open at the end; HTTP server rejected {http.Rejected} requests with 503");
        Console.WriteLine($"abuse campaign    {(rc == 0 ? "PASS" : "FAIL")} in {clock.Elapsed.TotalSeconds:N0} s (probe limit {ProbeLimit.TotalSeconds:N0} s)");
        Directory.Delete(dir, true);
        return rc;
    }

    private static Task Parallel(int n, Func<int, Task> f) => Task.WhenAll(Enumerable.Range(0, n).Select(i => Task.Run(() => f(i))));

    private static async Task Swallow(Func<Task> f)
    {
        try { await f(); }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or SocketException or HttpRequestException or ObjectDisposedException) { }
    }

    /// <summary>Writes ChainHead requests as fast as the socket takes them and never reads a reply; reconnects when closed.</summary>
    private static async Task WsFlood(Uri endpoint, CancellationToken ct)
    {
        var frame = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":[]}");
        while (!ct.IsCancellationRequested)
            await Swallow(async () =>
            {
                using var ws = new ClientWebSocket();
                await ws.ConnectAsync(endpoint, ct);
                while (true) await ws.SendAsync(frame, WebSocketMessageType.Text, true, ct);
            });
    }

    /// <summary>Opens <paramref name="n"/> connections: a third silent, a third half a request line, a third headers that never end.</summary>
    private static async Task IdleConnections(int port, int n, string slowloris, CancellationToken ct)
    {
        var held = new List<TcpClient>();
        try
        {
            for (int i = 0; i < n && !ct.IsCancellationRequested; i++)
            {
                var c = new TcpClient();
                held.Add(c);
                await Swallow(async () =>
                {
                    await c.ConnectAsync(IPAddress.Loopback, port, ct);
                    if (i % 3 == 1) await c.GetStream().WriteAsync("GET /rpc"u8.ToArray(), ct);
                    if (i % 3 == 2) await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes(slowloris), ct);
                });
            }
            // slowloris: one more header byte every second on the last third
            while (!ct.IsCancellationRequested)
            {
                await Swallow(() => Task.Delay(1000, ct));
                for (int i = 2; i < held.Count; i += 3)
                    await Swallow(async () => await held[i].GetStream().WriteAsync("a"u8.ToArray(), ct));
            }
        }
        finally
        {
            foreach (var c in held) c.Dispose();
        }
    }

    /// <summary>One text message of 150 MiB (the devnet caps requests at 100 MiB), sent in 1 MiB fragments.</summary>
    private static async Task WsOversized(Uri endpoint, CancellationToken ct)
    {
        var chunk = new byte[1 << 20];
        chunk.AsSpan().Fill((byte)' ');
        while (!ct.IsCancellationRequested)
            await Swallow(async () =>
            {
                using var ws = new ClientWebSocket();
                await ws.ConnectAsync(endpoint, ct);
                await ws.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":[\""u8.ToArray(), WebSocketMessageType.Text, false, ct);
                for (int i = 0; i < 150; i++) await ws.SendAsync(chunk, WebSocketMessageType.Text, false, ct);
                await ws.SendAsync("\"]}"u8.ToArray(), WebSocketMessageType.Text, true, ct);
                var buf = new byte[4096];
                await ws.ReceiveAsync(buf, ct);
            });
    }

    private static readonly byte[][] BadMessages =
    [
        "not json at all"u8.ToArray(),
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"u8.ToArray(),
        "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":[1,2,{}]},\"method\":\"Filecoin.ChainReadObj\",\"params\":[{\"/\":\"bafyinvalid\"}]}"u8.ToArray(),
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainGetTipSetByHeight\",\"params\":[-1,null]}"u8.ToArray(),
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainGetTipSetByHeight\",\"params\":[1e400,[]]}"u8.ToArray(),
        Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)),
        Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainHead\",\"params\":" + new string('[', 50_000) + new string(']', 50_000) + "}"),
        [0xff, 0xfe, 0x00, 0x7b],
    ];

    /// <summary>Malformed JSON-RPC messages, binary frames, and raw garbage after a WebSocket upgrade.</summary>
    private static async Task WsMalformed(Uri endpoint, int port, CancellationToken ct)
    {
        var buf = new byte[1 << 16];
        for (int round = 0; !ct.IsCancellationRequested; round++)
        {
            await Swallow(async () =>
            {
                using var ws = new ClientWebSocket();
                await ws.ConnectAsync(endpoint, ct);
                foreach (var m in BadMessages)
                {
                    await ws.SendAsync(m, round % 2 == 0 ? WebSocketMessageType.Text : WebSocketMessageType.Binary, true, ct);
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    wait.CancelAfter(200);
                    await Swallow(async () => await ws.ReceiveAsync(buf, wait.Token));
                }
            });
            await Swallow(async () =>
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
                var s = tcp.GetStream();
                await s.WriteAsync(Encoding.ASCII.GetBytes("GET /rpc/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"), ct);
                await s.ReadAsync(buf, ct);
                // a frame header claiming 2^63-1 bytes, unmasked, then garbage
                await s.WriteAsync(new byte[] { 0x81, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, ct);
                Random.Shared.NextBytes(buf);
                await s.WriteAsync(buf, ct);
            });
        }
    }

    private static async Task HttpFlood(Uri baseUri, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = baseUri };
        string[] paths = ["healthz", "snapshots", "snapshots/latest", "piece/baga6ea4seaqnotapiece", "ipfs/bafynotacid", "snapshots/../etc/passwd"];
        for (int i = 0; !ct.IsCancellationRequested; i++)
            await Swallow(async () =>
            {
                using var r = await client.GetAsync(paths[i % paths.Length], HttpCompletionOption.ResponseHeadersRead, ct);
                await r.Content.CopyToAsync(Stream.Null, ct);
            });
    }

    /// <summary>Requests a large file and never reads the answer: the socket buffers fill and the server's write stalls.</summary>
    private static async Task NeverReadDownload(int port, string path, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
            await Swallow(async () =>
            {
                await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
                await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), ct);
                await Task.Delay(Timeout.Infinite, ct);
            });
        }
    }

    private static async Task HttpMalformed(int port, CancellationToken ct)
    {
        var junk = new byte[1 << 16];
        byte[][] requests =
        [
            Encoding.ASCII.GetBytes("GARBAGE\r\n\r\n"),
            Encoding.ASCII.GetBytes("GET /" + new string('a', 100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Repeat("X-A: " + new string('b', 8000) + "\r\n", 200)) + "\r\n"),
            Encoding.ASCII.GetBytes("POST /snapshots HTTP/1.1\r\nHost: x\r\nContent-Length: 157286400\r\n\r\n"),
            Encoding.ASCII.GetBytes("GET /piece/x HTTP/1.1\r\nHost: x\r\nRange: bytes=" + string.Join(",", Enumerable.Range(0, 5000).Select(i => $"{i}-{i}")) + "\r\n\r\n"),
            Encoding.ASCII.GetBytes("GET /snapshots/%2e%2e%2fcatalog.json HTTP/1.1\r\nHost: x\r\n\r\n"),
        ];
        for (int round = 0; !ct.IsCancellationRequested; round++)
        {
            var req = requests[round % requests.Length];
            await Swallow(async () =>
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
                var s = tcp.GetStream();
                await s.WriteAsync(req, ct);
                if (req[0] == (byte)'P') for (int i = 0; i < 2400 && !ct.IsCancellationRequested; i++) await s.WriteAsync(junk, ct); // 150 MiB body
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(2000);
                await s.ReadAsync(junk, wait.Token);
            });
        }
    }

    /// <summary>The well-behaved client: every 100 ms a ChainHead on a persistent and on a new connection, and GET /healthz.</summary>
    private sealed class Probe(Uri devnet, Uri http, string snapshot, long servedLength)
    {
        private readonly Dictionary<string, Stats> _stats = new() { ["devnet"] = new(), ["http"] = new() };

        public Stats For(string target) => _stats[target];

        public async Task RunAsync(CancellationToken ct)
        {
            LotusClient? persistent = null;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var sw = Stopwatch.StartNew();
                    try
                    {
                        using var limit = new CancellationTokenSource(ProbeLimit * 5);
                        persistent ??= await LotusClient.ConnectAsync(devnet, null, limit.Token);
                        await persistent.ChainHeadAsync(limit.Token);
                        _stats["devnet"].Add(sw.Elapsed);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        _stats["devnet"].Fail(sw.Elapsed, e);
                        if (persistent is not null) await persistent.DisposeAsync();
                        persistent = null;
                    }
                    foreach (var target in _stats.Keys)
                        if (await OnceAsync(target, ct) is { } t) _stats[target].Add(t);
                    await Swallow(() => Task.Delay(100, ct));
                }
            }
            finally
            {
                if (persistent is not null) await persistent.DisposeAsync();
            }
        }

        /// <summary>One call on a new connection; null (and a failure counted) when it failed.</summary>
        public async Task<TimeSpan?> OnceAsync(string target, CancellationToken ct)
        {
            if (ct.IsCancellationRequested) return null;
            var sw = Stopwatch.StartNew();
            try
            {
                using var limit = new CancellationTokenSource(ProbeLimit * 5);
                if (target == "devnet")
                {
                    await using var c = await LotusClient.ConnectAsync(devnet, null, limit.Token);
                    await c.ChainHeadAsync(limit.Token);
                }
                else
                {
                    using var client = new HttpClient { BaseAddress = http };
                    using var r = await client.GetAsync("healthz", limit.Token);
                    r.EnsureSuccessStatusCode();
                    using var head = new HttpRequestMessage(HttpMethod.Head, snapshot);
                    using var h = await client.SendAsync(head, limit.Token);
                    h.EnsureSuccessStatusCode();
                    if (h.Content.Headers.ContentLength != servedLength) throw new InvalidOperationException($"HEAD {snapshot}: length {h.Content.Headers.ContentLength}");
                }
                return sw.Elapsed;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _stats[target].Fail(sw.Elapsed, e);
                return null;
            }
        }
    }

    private sealed class Stats
    {
        private readonly List<TimeSpan> _times = new();
        public int Failures { get; private set; }
        public string? FirstFailure { get; private set; }
        public int Calls { get { lock (_times) return _times.Count + Failures; } }
        public TimeSpan Max { get { lock (_times) return _times.DefaultIfEmpty().Max(); } }
        public TimeSpan Median { get { lock (_times) return _times.Count == 0 ? TimeSpan.Zero : _times.Order().ElementAt(_times.Count / 2); } }
        public void Add(TimeSpan t) { lock (_times) _times.Add(t); }
        public void Fail(TimeSpan t, Exception e)
        {
            lock (_times) { Failures++; FirstFailure ??= $"{e.GetType().Name}: {e.Message} after {t.TotalMilliseconds:N0} ms"; }
        }
    }
}
