using System.Diagnostics;
using System.Runtime.InteropServices;
using FilFil.Core.Car;
using FilFil.Core.Ipld;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// BLAKE2b-256 over the blocks of a synthetic chain (real size mix, ~300-500 bytes): the scalar implementation
/// against the multi-buffer one (4 lanes AVX2, 8 lanes AVX-512) on the same blocks, one thread. The import target
/// (1 GB/s per core) needs hashing well above 1 GB/s. Args: [stateBlocks=120000].
/// </summary>
public sealed unsafe class Blake2bBenchmark : IBenchmark
{
    public string Name => "blake2b";
    public string Description => "BLAKE2b-256 GB/s per core on chain blocks: multi-buffer vs scalar (same blocks)";

    public int Run(string[] args)
    {
        int stateBlocks = args.Length > 0 ? int.Parse(args[0]) : 120_000;
        var ms = new MemoryStream();
        DevnetChain.WriteSyntheticCar(EngineChain.Options(stateBlocks), ms, 50);
        ms.Position = 0;
        var lengths = new List<int>();
        var offsets = new List<long>();
        var all = new MemoryStream();
        using (var r = new CarReader(ms))
            while (r.TryRead(out var b)) { offsets.Add(all.Length); lengths.Add(b.Data.Length); all.Write(b.Data.Span); }
        long total = all.Length;
        byte* arena = (byte*)NativeMemory.Alloc((nuint)total);
        try
        {
            all.GetBuffer().AsSpan(0, (int)total).CopyTo(new Span<byte>(arena, (int)total));
            var ptrs = offsets.Select(o => (nint)(arena + o)).ToArray();
            var lens = lengths.ToArray();
            var digests = new byte[32 * lens.Length];
            Console.WriteLine($"{lens.Length:N0} blocks, {total / 1e6:N1} MB, mean {total / lens.Length} B; CPU lanes {Blake2bBatch.Lanes}");
            double Measure(string name, Action hash)
            {
                hash(); // warm-up
                double best = double.MaxValue;
                for (int i = 0; i < 5; i++)
                {
                    var sw = Stopwatch.StartNew();
                    hash();
                    best = Math.Min(best, sw.Elapsed.TotalSeconds);
                }
                double gbs = total / best / 1e9;
                Console.WriteLine($"{name,-22} {gbs:N2} GB/s");
                return gbs;
            }
            double scalar = Measure("scalar", () =>
            {
                for (int i = 0; i < lens.Length; i++) Blake2b.Hash256(new ReadOnlySpan<byte>((void*)ptrs[i], lens[i]), digests.AsSpan(32 * i, 32));
            });
            double x4 = Blake2bBatch.Lanes >= 4 ? Measure("multi-buffer 4 lanes", () => Blake2bBatch.Hash256(ptrs, lens, digests, 4)) : 0;
            double x8 = Blake2bBatch.Lanes >= 8 ? Measure("multi-buffer 8 lanes", () => Blake2bBatch.Hash256(ptrs, lens, digests, 8)) : 0;
            double best = Math.Max(scalar, Math.Max(x4, x8));
            Console.WriteLine($"ratio multi-buffer / scalar = {best / scalar:N2} (target >= 1.0: the batch path must not be slower than the scalar one)");
            return best >= scalar ? 0 : 1;
        }
        finally
        {
            NativeMemory.Free(arena);
        }
    }
}
