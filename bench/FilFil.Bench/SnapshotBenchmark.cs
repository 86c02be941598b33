using System.Diagnostics;
using FilFil.Core.Car;
using FilFil.Core.Ipld;
using FilFil.Core.Piece;
using FilFil.Core.Snapshot;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// Issue 4's engine figures on a synthetic devnet chain (args: [epochs=150] [stateBlocks=120000]):
/// CAR import GB/s per core (target >= 1.0; blake2b-only rate on the same blocks printed as the bound),
/// snapshot file write vs a plain sequential write of the same byte count to the same disk (target <= 1.3),
/// snapshot write through commP vs commP alone over the same bytes (target <= 1.10).
/// </summary>
public sealed class SnapshotBenchmark : IBenchmark
{
    public string Name => "snapshot";
    public string Description => "CAR import GB/s/core (>= 1.0), write vs plain file (<= 1.3), write+commP vs commP (<= 1.10)";

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public int Run(string[] args)
    {
        long epochs = args.Length > 0 ? long.Parse(args[0]) : 150;
        int stateBlocks = args.Length > 1 ? int.Parse(args[1]) : 120_000;
        string dir = Directory.CreateTempSubdirectory("filfil-bench-snap-").FullName;
        int rc = 0;
        try
        {
            string car = Path.Combine(dir, "chain.car");
            var opts = new DevnetOptions { StateBlocks = stateBlocks, AverageBlockSize = 320, ChurnPerEpoch = 64, MessagesPerBlock = 4, Seed = 3 };
            using (var f = File.Create(car)) DevnetChain.WriteSyntheticCar(opts, f, epochs);
            long carBytes = new FileInfo(car).Length;
            Console.WriteLine($"input             {carBytes / 1e6:N1} MB synthetic CAR, {epochs} epochs");

            // blake2b alone over the same blocks (file cached by the generation just before)
            double c0 = Cpu();
            long hashed = 0;
            Span<byte> d = stackalloc byte[32];
            using (var r = CarReader.Open(car))
                while (r.TryRead(out var b)) { Blake2b.Hash256(b.Data.Span, d); hashed += b.Data.Length; }
            double hashCpu = Cpu() - c0;

            c0 = Cpu();
            var sw = Stopwatch.StartNew();
            using var engine = SnapshotImporter.ImportAsync(car, new EngineOptions { RecentStateRoots = (int)epochs, ReorgDepth = 0 }).GetAwaiter().GetResult();
            double importWall = sw.Elapsed.TotalSeconds, importCpu = Cpu() - c0;
            double perCore = carBytes / importCpu / 1e9;
            Console.WriteLine($"import            {importWall:N2} s wall, {importCpu:N2} s CPU, {engine.Store.Count:N0} blocks held");
            Console.WriteLine($"blake2b only      {hashed / hashCpu / 1e9:N2} GB/s per core on the same blocks (the verification bound)");
            Console.WriteLine($"ratio import      {perCore:N2} GB/s per core (target >= 1.0) {(perCore >= 1.0 ? "PASS" : "FAIL")}");
            if (perCore < 1.0) rc = 1;

            long n = Math.Min(engine.AvailableRecentStateRoots(), epochs);
            var so = new SnapshotOptions { RecentStateRoots = n, SkipOldMessages = true };
            // warm-up (JIT), then the walk alone into Stream.Null
            SnapshotWriter.WriteAsync(engine, Stream.Null, so).GetAwaiter().GetResult();
            sw.Restart();
            c0 = Cpu();
            var nul = SnapshotWriter.WriteAsync(engine, Stream.Null, so).GetAwaiter().GetResult();
            Console.WriteLine($"walk to null      {Cpu() - c0:N3} s CPU, {sw.Elapsed.TotalSeconds:N3} s wall ({nul.Bytes / sw.Elapsed.TotalSeconds / 1e6:N0} MB/s, {nul.Blocks / sw.Elapsed.TotalSeconds / 1e6:N2} M blocks/s)");

            string outPath = Path.Combine(dir, "snap.car");
            sw.Restart();
            var res = SnapshotWriter.WriteFileAsync(engine, outPath, so).GetAwaiter().GetResult();
            double writeSec = sw.Elapsed.TotalSeconds;
            var bytes = File.ReadAllBytes(outPath);
            string plain = Path.Combine(dir, "plain.bin");
            sw.Restart();
            using (var f = new FileStream(plain, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                for (int o = 0; o < bytes.Length; o += 1 << 20) f.Write(bytes, o, Math.Min(1 << 20, bytes.Length - o));
                f.Flush(true);
            }
            double plainSec = sw.Elapsed.TotalSeconds;
            double wr = writeSec / plainSec;
            Console.WriteLine($"snapshot          {res.Bytes / 1e6:N1} MB, {res.Blocks:N0} blocks, {res.Headers:N0} headers, N={n}, in {writeSec:N3} s ({res.Bytes / writeSec / 1e6:N0} MB/s)");
            Console.WriteLine($"plain write       {plainSec:N3} s, same bytes, same disk, fsync both");
            Console.WriteLine($"ratio write/plain {wr:N2} (target <= 1.3) {(wr <= 1.3 ? "PASS" : "FAIL")}");
            if (wr > 1.3) rc = 1;

            sw.Restart();
            using (var cp = new CommPStream(Stream.Null, leaveOpen: true))
            {
                for (int o = 0; o < bytes.Length; o += 1 << 20) cp.Write(bytes, o, Math.Min(1 << 20, bytes.Length - o));
                cp.Finish();
            }
            double commpSec = sw.Elapsed.TotalSeconds;
            string outC = Path.Combine(dir, "snapc.car");
            sw.Restart();
            PieceInfo piece;
            using (var f = new FileStream(outC, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                using var tee = new CommPStream(f, leaveOpen: true);
                SnapshotWriter.WriteAsync(engine, tee, so).GetAwaiter().GetResult();
                piece = tee.Finish();
                f.Flush(true);
            }
            double bothSec = sw.Elapsed.TotalSeconds;
            double cr = bothSec / commpSec;
            Console.WriteLine($"commP only        {commpSec:N3} s over the same {bytes.Length / 1e6:N1} MB; snapshot+commP+file {bothSec:N3} s (piece {piece})");
            Console.WriteLine($"ratio write+commP/commP {cr:N2} (target <= 1.10) {(cr <= 1.10 ? "PASS" : "FAIL")}");
            if (cr > 1.10) rc = 1;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        return rc;
    }
}
