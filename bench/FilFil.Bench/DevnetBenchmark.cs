using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using FilFil.Core.Ipld;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// Blocks per second the devnet serves over Filecoin.ChainReadObj with 64 requests in flight on one WebSocket, against
/// two peers measured in the same run: the same reads over HTTP POST (64 concurrent) and in-process (TryGetBlock +
/// base64, the floor of what any transport adds). Options: --blocks N (default 20000), --seconds S (cap per phase, 20).
/// </summary>
public sealed class DevnetBenchmark : IBenchmark
{
    public string Name => "devnet-rpc";
    public string Description => "ChainReadObj blocks/s over one WebSocket (64 in flight) vs HTTP POST and in-process";

    private const int InFlight = 64;

    public int Run(string[] args)
    {
        int blocks = Arg(args, "--blocks", 20000);
        double seconds = Arg(args, "--seconds", 20);
        var o = new DevnetOptions { Seed = 5, StateBlocks = blocks, AverageBlockSize = 512, ChurnPerEpoch = 200, MessagesPerBlock = 8, NullRoundRate = 0 };
        var sw = Stopwatch.StartNew();
        var server = DevnetServer.StartAsync(o).GetAwaiter().GetResult();
        try
        {
            server.Chain.Advance(20);
            var cids = Collect(server.Chain, server.Chain.Head.Blocks[0].ParentStateRoot, blocks);
            Console.WriteLine($"devnet: {server.Chain.BlockCount} blocks stored, {cids.Count} distinct blocks to read, setup {sw.ElapsedMilliseconds} ms");

            var (inproc, inprocBytes) = InProcess(server.Chain, cids, seconds);
            var (ws, wsBytes) = WebSocketReads(server.Endpoint, cids, seconds).GetAwaiter().GetResult();
            var (http, _) = HttpReads(server.HttpEndpoint, cids, seconds).GetAwaiter().GetResult();
            Console.WriteLine($"in-process (TryGetBlock + base64) : {inproc,10:N0} blocks/s  {inprocBytes / 1e6,7:N1} MB/s");
            Console.WriteLine($"WebSocket, {InFlight} in flight        : {ws,10:N0} blocks/s  {wsBytes / 1e6,7:N1} MB/s");
            Console.WriteLine($"HTTP POST, {InFlight} concurrent        : {http,10:N0} blocks/s");
            double vsHttp = ws / http, vsInproc = ws / inproc;
            Console.WriteLine($"ratio WebSocket / HTTP POST  = {vsHttp:F2} (target >= 1.00: one socket with pipelined calls beats a request per call)");
            Console.WriteLine($"ratio WebSocket / in-process = {vsInproc:F3} (the share of raw store speed left after JSON-RPC framing)");
            return vsHttp >= 1.0 ? 0 : 1;
        }
        finally
        {
            server.StopAsync().GetAwaiter().GetResult();
        }
    }

    private static int Arg(string[] args, string name, int def)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : def;
    }

    private static List<Cid> Collect(DevnetChain chain, Cid root, int max)
    {
        var seen = new HashSet<Cid>();
        var list = new List<Cid>();
        var stack = new Stack<Cid>();
        stack.Push(root);
        while (stack.Count > 0 && list.Count < max)
        {
            var c = stack.Pop();
            if (!seen.Add(c) || c.IsIdentity || c.Codec != Multicodec.DagCbor) continue;
            if (!chain.TryGetBlock(c, out var d)) continue;
            list.Add(c);
            foreach (var l in CborLinks.Collect(d.Span)) stack.Push(l);
        }
        return list;
    }

    private static (double BlocksPerSec, double BytesPerSec) InProcess(DevnetChain chain, List<Cid> cids, double seconds)
    {
        var sw = Stopwatch.StartNew();
        long n = 0, bytes = 0;
        while (sw.Elapsed.TotalSeconds < seconds && n < cids.Count * 5L)
        {
            foreach (var c in cids)
            {
                chain.TryGetBlock(c, out var d);
                bytes += Convert.ToBase64String(d.Span).Length * 3 / 4;
                n++;
            }
        }
        return (n / sw.Elapsed.TotalSeconds, bytes / sw.Elapsed.TotalSeconds);
    }

    private static async Task<(double, double)> WebSocketReads(Uri endpoint, List<Cid> cids, double seconds)
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(endpoint, CancellationToken.None);
        var gate = new SemaphoreSlim(InFlight);
        var sendLock = new SemaphoreSlim(1);
        long received = 0, bytes = 0, errors = 0;
        var done = new TaskCompletionSource();
        int total = cids.Count;
        var recv = Task.Run(async () =>
        {
            var buf = new byte[1 << 20];
            var ms = new MemoryStream();
            while (Interlocked.Read(ref received) < total)
            {
                ms.SetLength(0);
                ValueWebSocketReceiveResult r;
                do { r = await ws.ReceiveAsync(buf.AsMemory(), CancellationToken.None); ms.Write(buf, 0, r.Count); } while (!r.EndOfMessage);
                using var doc = JsonDocument.Parse(ms.GetBuffer().AsMemory(0, (int)ms.Length));
                if (doc.RootElement.TryGetProperty("result", out var res)) Interlocked.Add(ref bytes, res.GetBytesFromBase64().Length);
                else Interlocked.Increment(ref errors);
                Interlocked.Increment(ref received);
                gate.Release();
            }
        });
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < total; i++)
        {
            if (sw.Elapsed.TotalSeconds > seconds) { total = i; break; }
            await gate.WaitAsync();
            var msg = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"Filecoin.ChainReadObj\",\"params\":[{{\"/\":\"{cids[i]}\"}}]}}");
            await sendLock.WaitAsync();
            try { await ws.SendAsync(msg, WebSocketMessageType.Text, true, CancellationToken.None); }
            finally { sendLock.Release(); }
        }
        Volatile.Write(ref total, total);
        await recv.WaitAsync(TimeSpan.FromSeconds(seconds + 30));
        double t = sw.Elapsed.TotalSeconds;
        if (errors > 0) throw new InvalidOperationException($"{errors} ChainReadObj calls failed");
        return (received / t, bytes / t);
    }

    private static async Task<(double, double)> HttpReads(Uri endpoint, List<Cid> cids, double seconds)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = InFlight });
        var sw = Stopwatch.StartNew();
        long n = 0;
        var queue = new ConcurrentQueue<Cid>(cids);
        var workers = Enumerable.Range(0, InFlight).Select(async _ =>
        {
            while (sw.Elapsed.TotalSeconds < seconds && queue.TryDequeue(out var c))
            {
                using var resp = await http.PostAsync(endpoint, new StringContent($"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Filecoin.ChainReadObj\",\"params\":[{{\"/\":\"{c}\"}}]}}"));
                resp.EnsureSuccessStatusCode();
                await resp.Content.ReadAsByteArrayAsync();
                Interlocked.Increment(ref n);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (n / sw.Elapsed.TotalSeconds, 0);
    }
}
