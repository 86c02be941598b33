using System.Diagnostics;
using FilFil.Core.Chain;
using FilFil.Core.Piece;
using FilFil.Core.Snapshot;

namespace FilFil.Bench;

/// <summary>
/// A snapshot split into 8 pieces (each with its commP) against the single-file snapshot with its commP, of the same
/// chain in the same run (args: [epochs=150] [stateBlocks=120000] [rounds=5]). Both as <c>New-FilFilSnapshot</c>
/// writes them (<c>WritePiecesAsync</c>; <c>WriteFileAsync</c> with a <see cref="CommPHasher"/> on all cores but
/// one), interleaved, with the files of earlier runs deleted and synced away before each; best of <c>rounds</c>
/// after a warm-up of each. Target: pieces / single &lt;= 1.10.
/// </summary>
public sealed class PiecesBenchmark : IBenchmark
{
    public string Name => "pieces";
    public string Description => "snapshot split into 8 pieces with commP vs the single file with commP, same chain (<= 1.10)";

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "sync")]
    private static extern void SyncAll();

    public int Run(string[] args)
    {
        long epochs = args.Length > 0 ? long.Parse(args[0]) : 150;
        int stateBlocks = args.Length > 1 ? int.Parse(args[1]) : 120_000;
        int rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
        string dir = Directory.CreateTempSubdirectory("filfil-bench-pieces-").FullName;
        string outDir = Path.Combine(dir, "out");
        try
        {
            string car = Path.Combine(dir, "chain.car");
            long carBytes = EngineChain.Write(car, epochs, stateBlocks);
            using var engine = SnapshotImporter.ImportAsync(car, new ChainStoreOptions { RecentStateRoots = (int)epochs, ReorgDepth = 0 }).GetAwaiter().GetResult();
            long n = Math.Min(engine.AvailableRecentStateRoots(), epochs);
            var so = new SnapshotOptions { RecentStateRoots = n, SkipOldMessages = true };
            int k = 0;
            void Settle()
            {
                if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
                Directory.CreateDirectory(outDir);
                if (OperatingSystem.IsLinux()) SyncAll();
            }

            PieceInfo? single = null;
            SnapshotResult? res = null;
            void Single()
            {
                using var hasher = new CommPHasher(SnapshotWriter.CommPParallelism);
                res = SnapshotWriter.WriteFileAsync(engine, Path.Combine(outDir, $"s{k++}.car"), so, null, hasher).GetAwaiter().GetResult();
                single = hasher.Finish();
            }
            Settle();
            Single(); // warm-up, and the size to split
            long maxPiece = (long)Math.Ceiling(res!.Bytes / 7.5);
            PiecesResult? split = null;
            void Pieces() => split = SnapshotWriter.WritePiecesAsync(engine, Path.Combine(outDir, $"p{k++}"), maxPiece, so).GetAwaiter().GetResult();
            Settle();
            Pieces(); // warm-up
            if (split!.Files.Count != 8) throw new InvalidOperationException($"expected 8 pieces, got {split.Files.Count}");
            if (split.Snapshot.Bytes != res.Bytes || split.Snapshot.Blocks != res.Blocks) throw new InvalidOperationException("the split snapshot differs from the single file");

            double best1 = double.MaxValue, best8 = double.MaxValue, cpu1 = double.MaxValue, cpu8 = double.MaxValue;
            for (int i = 0; i < rounds; i++)
            {
                foreach (var (run, isSingle) in new (Action, bool)[] { (Single, true), (Pieces, false) })
                {
                    Settle();
                    double c0 = Cpu();
                    var sw = Stopwatch.StartNew();
                    run();
                    double t = sw.Elapsed.TotalSeconds, c = Cpu() - c0;
                    if (isSingle) (best1, cpu1) = (Math.Min(best1, t), Math.Min(cpu1, c));
                    else (best8, cpu8) = (Math.Min(best8, t), Math.Min(cpu8, c));
                }
            }
            double r = best8 / best1;
            Console.WriteLine($"input             {carBytes / 1e6:N1} MB synthetic CAR, {epochs} epochs; snapshot {res.Bytes / 1e6:N1} MB, {res.Blocks:N0} blocks, N={n}; best of {rounds} after a warm-up, {Environment.ProcessorCount} cores");
            Console.WriteLine($"single file       {best1:N3} s wall, {cpu1:N3} s CPU with commP ({res.Bytes / best1 / 1e6:N0} MB/s), piece {single!.PieceCidV1}");
            Console.WriteLine($"8 pieces          {best8:N3} s wall, {cpu8:N3} s CPU with commP of each (pieces of at most {maxPiece / 1e6:N1} MB); load average {Machine.LoadAverage()}");
            Console.WriteLine($"  CPU-seconds pieces/single {cpu8 / cpu1:N2} (information: less sensitive to other work on the machine than wall-clock)");
            Console.WriteLine($"ratio pieces/single {r:N2} (target <= 1.10) {(r <= 1.10 ? "PASS" : "FAIL")}");
            return r <= 1.10 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
