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
/// Issue 15's server-abuse campaign (args: [seconds per attack=20] [idle connections=1000] [memory bound MiB=1536]
/// [child|inproc] [attack key prefix]). The devnet JSON-RPC server and the HTTP snapshot server run in this process
/// on 127.0.0.1; the attackers run in a child process (<c>abuse-attacker</c>; <c>inproc</c>: in this process), one
/// attack at a time: a flood of requests from clients that never read, a flood of POSTs (batches, on 32 keep-alive
/// connections) to the devnet, <c>idle</c> idle and slowloris connections, an
/// oversized frame or body (150 MiB, over the devnet's 100 MiB cap), malformed frames (garbage after the upgrade,
/// invalid JSON, JSON nested 100,000 deep, binary frames, bad request lines), and for the HTTP server downloads that
/// are never read. After a 3 s baseline without attack, a well-behaved client calls each server every 100 ms during
/// each attack (a persistent connection and a new one per call): its slowest answer must stay under 1 s, this
/// process's peak resident memory under the bound, and both servers must answer after the attack. Prints per attack
/// the probe's calls, median and slowest latency (and which call), failures, the devnet's counts and PASS/FAIL.
/// <c>ABUSE_DEBUG=1</c> prints thread pool, GC and CPU samples every 50 ms and every probe call over 150 ms.
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
        bool inProcess = args.Length > 3 && args[3] == "inproc";
        string only = args.Length > 4 ? args[4] : "";
        return RunAsync(TimeSpan.FromSeconds(seconds), idle, boundMiB, inProcess, only).GetAwaiter().GetResult();
    }

    /// <summary>One attack: its key (the child process's argument), the server it targets, and its description.</summary>
    private sealed record Attack(string Key, string Target, string Name);

    /// <summary>Where the attacks go: the devnet's port, the HTTP server's port and the path of the served snapshot.</summary>
    private sealed record Targets(int DevnetPort, int HttpPort, string Snapshot, int Idle)
    {
        public Uri Devnet => new($"ws://127.0.0.1:{DevnetPort}/rpc/v1");
        public Uri DevnetHttp => new($"http://127.0.0.1:{DevnetPort}/rpc/v1");
        public Uri Http => new($"http://127.0.0.1:{HttpPort}/");
    }

    private static List<Attack> Attacks(int idle) =>
    [
        new("devnet-flood", "devnet", "flood, never read (8 clients)"),
        new("devnet-post-flood", "devnet", "POST flood (32 clients, batches of 8)"),
        new("devnet-idle", "devnet", $"{idle} idle + slowloris connections"),
        new("devnet-oversized", "devnet", "oversized frame (150 MiB)"),
        new("devnet-malformed", "devnet", "malformed frames"),
        new("http-flood", "http", "flood of requests (32 clients)"),
        new("http-never-read", "http", "downloads never read (64 clients)"),
        new("http-idle", "http", $"{idle} idle + slowloris connections"),
        new("http-malformed", "http", "oversized and malformed requests"),
    ];

    private static Task RunAttack(string key, Targets t, CancellationToken ct) => key switch
    {
        "devnet-flood" => Parallel(8, _ => WsFlood(t.Devnet, ct)),
        "devnet-post-flood" => Parallel(32, _ => PostFlood(t.DevnetHttp, ct)),
        "devnet-idle" => IdleConnections(t.DevnetPort, t.Idle, "GET /rpc/v1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nX-Slow: ", ct),
        "devnet-oversized" => WsOversized(t.Devnet, ct),
        "devnet-malformed" => Parallel(4, _ => WsMalformed(t.Devnet, t.DevnetPort, ct)),
        "http-flood" => Parallel(32, _ => HttpFlood(t.Http, ct)),
        "http-never-read" => Parallel(64, _ => NeverReadDownload(t.HttpPort, t.Snapshot, ct)),
        "http-idle" => IdleConnections(t.HttpPort, t.Idle, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", ct),
        "http-malformed" => Parallel(4, _ => HttpMalformed(t.HttpPort, ct)),
        _ => throw new ArgumentException($"unknown attack '{key}'", nameof(key)),
    };

    /// <summary>
    /// The attacker process (<c>abuse-attacker key devnetPort httpPort snapshotPath idle seconds</c>, run by
    /// <see cref="Program"/>): runs one attack for the given time and exits 0.
    /// </summary>
    public static int AttackerMain(string[] args)
    {
        Console.WriteLine("started");
        var t = new Targets(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), args[3], int.Parse(args[4], CultureInfo.InvariantCulture));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(double.Parse(args[5], CultureInfo.InvariantCulture)));
        try { RunAttack(args[0], t, cts.Token).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or SocketException or HttpRequestException) { }
        Console.WriteLine($"attacker {args[0]}: peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
        return 0;
    }

    /// <summary>
    /// Starts <paramref name="attack"/> in a child process of this program for <paramref name="duration"/> and returns
    /// once the child runs (its runtime started, so its start-up does not count as attack); the task waits for it to end
    /// (killed 30 s after its time).
    /// </summary>
    private static async Task<Task> StartAttackerProcessAsync(Attack attack, Targets t, TimeSpan duration)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") psi.ArgumentList.Add(typeof(AbuseCampaign).Assembly.Location);
        foreach (var a in new[] { "abuse-attacker", attack.Key, t.DevnetPort.ToString(CultureInfo.InvariantCulture), t.HttpPort.ToString(CultureInfo.InvariantCulture), t.Snapshot, t.Idle.ToString(CultureInfo.InvariantCulture), duration.TotalSeconds.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var errors = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadLineAsync(); // "started"
        return Task.Run(async () =>
        {
            using (p)
            {
                var output = p.StandardOutput.ReadToEndAsync();
                using var limit = new CancellationTokenSource(duration + TimeSpan.FromSeconds(30));
                try { await p.WaitForExitAsync(limit.Token); }
                catch (OperationCanceledException)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                    Console.WriteLine($"       attacker {attack.Key} did not stop 30 s after its time and was killed");
                }
                string err = (await errors).Trim();
                if (p.ExitCode != 0 || err.Length > 0) Console.WriteLine($"       attacker {attack.Key} exited {p.ExitCode}: {err}");
                Console.Write("       " + await output);
            }
        });
    }

    private static async Task<int> RunAsync(TimeSpan duration, int idle, long boundMiB, bool inProcess, string only)
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
        int httpPort = FilFil.Core.Serving.HttpListenerLifetime.FreePort();
        using var http = new SnapshotServer(new ServerOptions { Prefix = $"http://127.0.0.1:{httpPort}/" }, new ServerSources(() => engine, () => [record], () => 0));
        http.Start();
        var targets = new Targets(devnet.Port, httpPort, $"/snapshots/{record.Height}.car", idle);
        byte[] servedBytes = await File.ReadAllBytesAsync(record.Paths[0]);
        Console.WriteLine($"devnet on {devnet.Endpoint}, HTTP server on {targets.Http}; served snapshot {servedBytes.Length / 1e6:N1} MB; {duration.TotalSeconds:N0} s per attack; attackers {(inProcess ? "in this process" : "in a child process")}; load {Machine.LoadAverage()}");

        int rc = 0;
        long peak = 0;
        // the probe alone first (its connections and code paths warm, the figure to compare the attacks with)
        using (var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            var baseline = new Probe(targets.Devnet, targets.Http, $"snapshots/{record.Height}.car", servedBytes.Length);
            await baseline.RunAsync(quiet.Token);
            foreach (var target in new[] { "devnet", "http" })
            {
                var s = baseline.For(target);
                Console.WriteLine($"{target,-6} {"no attack (baseline)",-40} probe {s.Calls,4} calls, median {s.Median.TotalMilliseconds,6:N1} ms, slowest {s.Max.TotalMilliseconds,7:N1} ms ({s.MaxKind}), failures {s.Failures}");
            }
        }
        foreach (var attack in Attacks(idle).Where(a => a.Key.StartsWith(only, StringComparison.Ordinal)))
        {
            var attacker = inProcess ? null : await StartAttackerProcessAsync(attack, targets, duration);
            using var cts = new CancellationTokenSource(duration);
            var probe = new Probe(targets.Devnet, targets.Http, $"snapshots/{record.Height}.car", servedBytes.Length);
            var probing = probe.RunAsync(cts.Token);
            long attackPeak = 0, handledBefore = devnet.RequestsHandled;
            var sampler = Task.Run(async () =>
            {
                while (!cts.IsCancellationRequested)
                {
                    attackPeak = Math.Max(attackPeak, Environment.WorkingSet);
                    if (Environment.GetEnvironmentVariable("ABUSE_DEBUG") is not null)
                        Console.WriteLine($"DBG {DateTime.UtcNow:HH:mm:ss.fff} threads {ThreadPool.ThreadCount} pending {ThreadPool.PendingWorkItemCount} gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalMilliseconds:N0} ms handled {devnet.RequestsHandled} cpu {Machine.CpuSeconds().Process:N2} s");
                    peak = Math.Max(peak, attackPeak);
                    try { await Task.Delay(50, cts.Token); } catch (OperationCanceledException) { }
                }
            });
            if (inProcess)
            {
                try { await RunAttack(attack.Key, targets, cts.Token); }
                catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or SocketException or HttpRequestException) { }
            }
            else await attacker!;
            await Task.WhenAll(probing, sampler);
            // both servers answer after the attack
            bool alive = await probe.OnceAsync(attack.Target, CancellationToken.None) is { } after && after < TimeSpan.FromSeconds(5);
            var s = probe.For(attack.Target);
            bool ok = s.Calls > 0 && s.Failures == 0 && s.Max < ProbeLimit && alive;
            if (!ok) rc = 1;
            Console.WriteLine($"{attack.Target,-6} {attack.Name,-40} probe {s.Calls,4} calls, median {s.Median.TotalMilliseconds,6:N1} ms, slowest {s.Max.TotalMilliseconds,7:N1} ms ({s.MaxKind}), failures {s.Failures}{(s.FirstFailure is null ? "" : $" ({s.FirstFailure})")}; peak RSS {attackPeak >> 20} MiB; {(ok ? "PASS" : "FAIL")}");
            if (attack.Target == "devnet") Console.WriteLine($"       devnet handled {devnet.RequestsHandled - handledBefore:N0} requests; closed {devnet.SlowReadersClosed} slow readers, {devnet.QueueFullClosed} for the server's reply bound, {devnet.TooBigClosed} over 100 MiB so far; {devnet.QueuedBytes >> 10} KiB of replies queued (peak {devnet.PeakQueuedBytes >> 20} MiB)");
            GC.Collect();
        }
        long rssAfter = Environment.WorkingSet;
        bool memOk = peak >> 20 < boundMiB;
        if (!memOk) rc = 1;
        Console.WriteLine($"memory            peak RSS {peak >> 20} MiB (bound {boundMiB} MiB) {(memOk ? "PASS" : "FAIL")}; after the attacks {rssAfter >> 20} MiB, GC heap {GC.GetTotalMemory(true) >> 20} MiB");
        Console.WriteLine($"devnet            {devnet.ConnectionCount} connections open at the end, {devnet.QueuedBytes} reply bytes queued; closed {devnet.SlowReadersClosed} slow readers, {devnet.QueueFullClosed} for the server's reply bound, {devnet.SlowRequestsClosed} POSTs whose body was too slow and {devnet.TooBigClosed} connections with a message over 100 MiB (1009)");
        Console.WriteLine($"http              rejected {http.Rejected} requests with 503");
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
                _ = await s.ReadAsync(buf, ct); // the attacker skips the upgrade reply, whatever part of it arrived
                // a frame header claiming 2^63-1 bytes, unmasked, then garbage
                await s.WriteAsync(new byte[] { 0x81, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, ct);
                Random.Shared.NextBytes(buf);
                await s.WriteAsync(buf, ct);
            });
        }
    }

    /// <summary>POSTs batches of 8 ChainHead requests back to back on one keep-alive connection, reading each answer.</summary>
    private static async Task PostFlood(Uri endpoint, CancellationToken ct)
    {
        using var client = new HttpClient();
        string batch = "[" + string.Join(",", Enumerable.Range(1, 8).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"Filecoin.ChainHead\",\"params\":[]}}")) + "]";
        while (!ct.IsCancellationRequested)
            await Swallow(async () =>
            {
                using var r = await client.PostAsync(endpoint, new StringContent(batch, Encoding.UTF8, "application/json"), ct);
                await r.Content.CopyToAsync(Stream.Null, ct);
            });
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
                _ = await s.ReadAsync(junk, wait.Token); // whatever answer comes first, or none
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
                        _stats["devnet"].Add(sw.Elapsed, "persistent connection");
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        _stats["devnet"].Fail(sw.Elapsed, e);
                        if (persistent is not null) await persistent.DisposeAsync();
                        persistent = null;
                    }
                    foreach (var target in _stats.Keys)
                        if (await OnceAsync(target, ct) is { } t) _stats[target].Add(t, "new connection");
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
        /// <summary>Which call was the slowest (on the persistent connection or on a new one).</summary>
        public string? MaxKind { get; private set; }
        public void Add(TimeSpan t, string kind)
        {
            if (t.TotalMilliseconds > 150 && Environment.GetEnvironmentVariable("ABUSE_DEBUG") is not null) Console.WriteLine($"DBG {DateTime.UtcNow:HH:mm:ss.fff} slow {kind} {t.TotalMilliseconds:N0} ms");
            lock (_times)
            {
                if (t > _times.DefaultIfEmpty().Max()) MaxKind = kind;
                _times.Add(t);
            }
        }
        public void Fail(TimeSpan t, Exception e)
        {
            lock (_times) { Failures++; FirstFailure ??= $"{e.GetType().Name}: {e.Message} after {t.TotalMilliseconds:N0} ms"; }
        }
    }
}
