using System.Diagnostics;
using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Bench;

/// <summary>
/// Inserts N blocks with a mainnet-like size distribution (state nodes: 90% 80-400 bytes, a tail up to 8 KiB,
/// mean about 330 bytes; CIDv1 dag-cbor blake2b-256, 38 bytes) and prints RSS / (block bytes + CID bytes) against
/// the 1.10 target, plus insert and lookup rates. Args: [N] (default 2000000; 10000000 for the issue's figure).
/// </summary>
public sealed class StoreBenchmark : IBenchmark
{
    public string Name => "store-rss";
    public string Description => "block store RSS / raw bytes at N blocks (target <= 1.10), insert/lookup rates";

    public static int NextSize(Random r)
    {
        double u = r.NextDouble();
        if (u < 0.900) return 80 + (int)(r.NextDouble() * 320);    // HAMT/AMT nodes, actor heads
        if (u < 0.995) return 400 + (int)(r.NextDouble() * 1000);  // bigger nodes, messages
        return 2048 + (int)(r.NextDouble() * 6144);                 // rare large blocks
    }

    public int Run(string[] args)
    {
        long n = args.Length > 0 ? long.Parse(args[0]) : 2_000_000;
        GC.Collect();
        long baseRss = Process.GetCurrentProcess().WorkingSet64;
        var r = new Random(42);
        var noise = new byte[1 << 20];
        r.NextBytes(noise);
        var buf = new byte[16384];
        using var store = new BlockStore(initialCapacityLog2: 16);
        var sw = Stopwatch.StartNew();
        var sample = new List<Cid>();
        for (long i = 0; i < n; i++)
        {
            int size = NextSize(r);
            int off = r.Next(noise.Length - size);
            noise.AsSpan(off, size).CopyTo(buf);
            BitConverter.TryWriteBytes(buf, i);
            var data = buf.AsSpan(0, size);
            var cid = Cid.Hash(data);
            store.Insert(cid.Bytes, data, 1);
            if ((i & 1023) == 0) sample.Add(cid);
        }
        double insertSec = sw.Elapsed.TotalSeconds;
        sw.Restart();
        long found = 0;
        for (int rep = 0; rep < 20; rep++)
            foreach (var c in sample) if (store.Find(c.Bytes) >= 0) found++;
        double lookupSec = sw.Elapsed.TotalSeconds;
        noise = null!;
        sample = null!;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var p = Process.GetCurrentProcess();
        p.Refresh();
        long rss = p.WorkingSet64;
        long raw = store.DataBytes + store.CidBytes;
        double ratio = (double)rss / raw;
        double ratioNoBase = (double)(rss - baseRss) / raw;
        Console.WriteLine($"blocks            {store.Count:N0}");
        Console.WriteLine($"raw bytes         {raw / 1048576.0:N1} MiB (data {store.DataBytes / 1048576.0:N1} + CIDs {store.CidBytes / 1048576.0:N1}; mean block {store.DataBytes / (double)store.Count:N0} B)");
        Console.WriteLine($"arena / index     {store.ArenaBytes / 1048576.0:N0} MiB reserved / {store.IndexBytes / 1048576.0:N0} MiB");
        Console.WriteLine($"RSS               {rss / 1048576.0:N1} MiB (process baseline before inserting {baseRss / 1048576.0:N1} MiB)");
        Console.WriteLine($"insert            {n / insertSec / 1e6:N2} M blocks/s ({insertSec:N2} s, including blake2b of each block)");
        Console.WriteLine($"lookup            {found / lookupSec / 1e6:N2} M lookups/s (random hits)");
        Console.WriteLine($"ratio RSS/raw     {ratio:N3} (target <= 1.10) {(ratio <= 1.10 ? "PASS" : "FAIL")}; excluding the runtime baseline {ratioNoBase:N3}");
        return ratio <= 1.10 ? 0 : 1;
    }
}
