using System.Diagnostics;
using System.Runtime.InteropServices;
using FilFil.Core.Car;
using FilFil.Core.Ipld;

namespace FilFil.Bench;

/// <summary>
/// The DAG-CBOR link scan's cost per byte over a set of blocks (one thread, best of five after a warm-up), and the
/// real mainnet/calibnet blocks of ../shared/fixtures to measure it on. Real state blocks carry more CBOR items per
/// byte than the synthetic chain, so the benchmarks use this to correct their mainnet extrapolations.
/// </summary>
internal static unsafe class ScanCost
{
    private struct Counter : ILinkVisitor
    {
        public long Links;
        public void Visit(ReadOnlySpan<byte> cid) => Links++;
    }

    public static string FixtureDir { get; } =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "fixtures", "filecoin"));

    /// <summary>The DAG-CBOR blocks of the fixture CARs (empty when the fixtures are absent).</summary>
    public static List<byte[]> FixtureBlocks()
    {
        var list = new List<byte[]>();
        foreach (var name in new[] { "mainnet-chain4-h0-3.car", "mainnet.car.zst", "calibnet.car.zst" })
        {
            string path = Path.Combine(FixtureDir, name);
            if (!File.Exists(path)) continue;
            using var r = CarReader.Open(path);
            while (r.TryRead(out var b)) if (b.Codec == Multicodec.DagCbor) list.Add(b.Data.ToArray());
        }
        return list;
    }

    /// <summary>The DAG-CBOR blocks of a CAR held in memory.</summary>
    public static List<byte[]> CarBlocks(byte[] car)
    {
        var list = new List<byte[]>();
        using var r = new CarReader(new MemoryStream(car));
        while (r.TryRead(out var b)) if (b.Codec == Multicodec.DagCbor) list.Add(b.Data.ToArray());
        return list;
    }

    /// <summary>
    /// The best of five timed runs of <paramref name="run"/> after repeating it for at least 0.5 s: tiered JIT
    /// compiles a method's optimized code only after about 30 calls and a 100 ms delay, so a loop timed over a few
    /// milliseconds would otherwise measure unoptimized code.
    /// </summary>
    public static double Steady(Action run)
    {
        WarmUp(run);
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>Runs <paramref name="run"/> repeatedly for at least <paramref name="seconds"/>, untimed (see <see cref="Steady"/>).</summary>
    public static void WarmUp(Action run, double seconds = 0.5)
    {
        var warm = Stopwatch.StartNew();
        do run(); while (warm.Elapsed.TotalSeconds < seconds);
    }

    /// <summary>Scans the blocks (copied into one native arena); returns seconds per byte, bytes and links.</summary>
    public static (double NsPerByte, long Bytes, long Links) Measure(List<byte[]> blocks)
    {
        long total = blocks.Sum(b => (long)b.Length);
        byte* arena = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, total));
        try
        {
            // offsets and lengths in flat arrays: reading each byte[]'s length in the timed loop would add a cache
            // miss per block on the managed heap
            var offsets = new long[blocks.Count];
            var lengths = new int[blocks.Count];
            long o = 0;
            for (int i = 0; i < blocks.Count; i++)
            {
                offsets[i] = o;
                lengths[i] = blocks[i].Length;
                blocks[i].CopyTo(new Span<byte>(arena + o, blocks[i].Length));
                o += blocks[i].Length;
            }
            long links = 0;
            GC.Collect(); // the caller's block lists are garbage soon: collect now rather than during the timing
            GC.WaitForPendingFinalizers();
            double best = Steady(() =>
            {
                var c = new Counter();
                for (int i = 0; i < lengths.Length; i++) CborLinks.Scan(new ReadOnlySpan<byte>(arena + offsets[i], lengths[i]), ref c);
                links = c.Links;
            });
            return (best / Math.Max(1, total) * 1e9, total, links);
        }
        finally { NativeMemory.Free(arena); }
    }
}
