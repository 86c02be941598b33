using System.Diagnostics;
using System.Runtime.InteropServices;
using FilFil.Core.Car;
using FilFil.Core.Ipld;

namespace FilFil.Bench;

/// <summary>
/// The work an import cannot skip, measured one piece at a time on the same blocks, one thread: reading the CAR
/// sections, BLAKE2b-256 of every block (multi-buffer) and the DAG-CBOR link scan of every block (the reference
/// counts need every edge). The sum of their per-byte costs is a floor for import; its inverse is the best GB/s
/// per core an import doing that work could reach on this machine, printed against the 1.0 target. Also scans the
/// real mainnet blocks of ../shared/fixtures (chain4 and the genesis CARs) to show the synthetic chain's scan cost
/// is not the outlier. Args: [epochs=150] [stateBlocks=120000].
/// </summary>
public sealed unsafe class ImportFloorBenchmark : IBenchmark
{
    public string Name => "import-floor";
    public string Description => "import floor: per-byte cost of parse + BLAKE2b + link scan on the same blocks, vs the 1.0 GB/s per core target";

    private sealed class Blocks
    {
        public readonly List<int> Lengths = new();
        public readonly List<long> Offsets = new();
        public readonly List<bool> DagCbor = new();
        public readonly MemoryStream All = new();

        public void Add(CarBlock b)
        {
            Offsets.Add(All.Length);
            Lengths.Add(b.Data.Length);
            DagCbor.Add(b.Codec == Multicodec.DagCbor);
            All.Write(b.Data.Span);
        }
    }

    private static byte* Copy(Blocks b)
    {
        long total = b.All.Length;
        byte* arena = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, total));
        b.All.GetBuffer().AsSpan(0, (int)total).CopyTo(new Span<byte>(arena, (int)total));
        return arena;
    }

    public int Run(string[] args)
    {
        long epochs = args.Length > 0 ? long.Parse(args[0]) : 150;
        int stateBlocks = args.Length > 1 ? int.Parse(args[1]) : 120_000;
        string dir = Directory.CreateTempSubdirectory("filfil-bench-floor-").FullName;
        try
        {
            string car = Path.Combine(dir, "chain.car");
            long bytes = EngineChain.Write(car, epochs, stateBlocks);
            var blocks = new Blocks();
            using (var r = CarReader.Open(car)) while (r.TryRead(out var blk)) blocks.Add(blk);
            long total = blocks.All.Length;
            Console.WriteLine($"synthetic chain   {bytes / 1e6:N1} MB CAR, {blocks.Lengths.Count:N0} blocks, {total / 1e6:N1} MB of block data; one thread");
            double parse = ScanCost.Steady(() => { using var r = CarReader.Open(car); while (r.TryRead(out _)) { } });
            byte* arena = Copy(blocks);
            try
            {
                var ptrs = blocks.Offsets.Select(o => (nint)(arena + o)).ToArray();
                var lens = blocks.Lengths.ToArray();
                var digests = new byte[32 * lens.Length];
                double hash = ScanCost.Steady(() => Blake2bBatch.Hash256(ptrs, lens, digests));
                var (scanNs, scanned, links) = ScanCost.Measure(ScanCost.CarBlocks(File.ReadAllBytes(car)));
                double scan = scanNs * scanned / 1e9; // seconds for the DAG-CBOR blocks of the whole CAR
                double nsParse = parse / bytes * 1e9, nsHash = hash / bytes * 1e9, nsScan = scan / bytes * 1e9;
                Console.WriteLine($"read sections     {parse:N3} s  {bytes / parse / 1e9:N2} GB/s  {nsParse:N3} ns/B");
                Console.WriteLine($"BLAKE2b (batch)   {hash:N3} s  {bytes / hash / 1e9:N2} GB/s  {nsHash:N3} ns/B ({Blake2bBatch.Lanes} lanes)");
                Console.WriteLine($"link scan         {scan:N3} s  {bytes / scan / 1e9:N2} GB/s  {nsScan:N3} ns/B ({links:N0} links, {scan / Math.Max(1, links) * 1e9:N1} ns per link)");
                double floor = 1 / (nsParse + nsHash + nsScan);
                Console.WriteLine($"floor             {nsParse + nsHash + nsScan:N3} ns/B: at most {floor:N2} GB/s per core before any copy, index insert or reference count (target >= 1.0)");
            }
            finally { NativeMemory.Free(arena); }

            // the same scan over real mainnet blocks
            var real = ScanCost.FixtureBlocks();
            if (real.Count == 0)
            {
                Console.WriteLine($"real blocks       skipped: no fixtures at {ScanCost.FixtureDir}");
                return 0;
            }
            var (rns, rbytes, rlinks) = ScanCost.Measure(real);
            Console.WriteLine($"real mainnet/calibnet DAG-CBOR blocks (fixtures): {real.Count:N0} blocks, {rbytes / 1e6:N1} MB");
            Console.WriteLine($"link scan         {1 / rns:N2} GB/s  {rns:N3} ns/B ({rlinks:N0} links)");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        return 0;
    }
}
