using System.Diagnostics;
using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using FilFil.Core.Store;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// Where CAR import time goes, phase by phase, in a warm process (args: [epochs=150] [stateBlocks=120000] [rounds=3] [walks=3]):
/// parse only, parse + hash verification, staging into the store, header chain + window linking, sweep.
/// Prints CPU seconds and GB/s per core for each; no target of its own (the `snapshot` benchmark has it).
/// </summary>
public sealed class ImportProfileBenchmark : IBenchmark
{
    public string Name => "import-profile";
    public string Description => "CAR import phase by phase (parse, verify, stage, link, sweep) and snapshot walks to Stream.Null, warm process";

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public int Run(string[] args)
    {
        long epochs = args.Length > 0 ? long.Parse(args[0]) : 150;
        int stateBlocks = args.Length > 1 ? int.Parse(args[1]) : 120_000;
        int rounds = args.Length > 2 ? int.Parse(args[2]) : 3;
        int walks = args.Length > 3 ? int.Parse(args[3]) : 3;
        string dir = Directory.CreateTempSubdirectory("filfil-bench-imp-").FullName;
        try
        {
            string car = Path.Combine(dir, "chain.car");
            long bytes = EngineChain.Write(car, epochs, stateBlocks);
            Console.WriteLine($"input {bytes / 1e6:N1} MB, {epochs} epochs");
            for (int round = 1; round <= rounds; round++)
            {
                void Phase(string name, Action a)
                {
                    double c0 = Cpu();
                    var sw = Stopwatch.StartNew();
                    a();
                    double cpu = Cpu() - c0;
                    Console.WriteLine($"  round {round} {name,-22} {cpu:N3} s CPU {sw.Elapsed.TotalSeconds:N3} s wall  {bytes / cpu / 1e9:N2} GB/s/core");
                }
                Phase("parse", () => { using var r = CarReader.Open(car); while (r.TryRead(out _)) { } });
                Phase("parse+verify", () => { using var r = CarReader.Open(car, verifyHashes: true); while (r.TryRead(out _)) { } });
                var engine = new ChainStore(new ChainStoreOptions { RecentStateRoots = (int)epochs, ReorgDepth = 0 });
                TipSet? head = null;
                Phase("parse+verify+stage", () => { using var fs = File.OpenRead(car); head = SnapshotImporter.Load(fs, engine.Store); });
                long v0 = engine.Store.LinkVisits;
                Phase("bootstrap (link)", () => engine.BootstrapAsync(head!, null).GetAwaiter().GetResult());
                Console.WriteLine($"  visits {engine.Store.LinkVisits - v0:N0} for {engine.Store.Count:N0} blocks");
                Phase("sweep", () => engine.Store.SweepUnreferenced());
                var so = new SnapshotOptions { RecentStateRoots = epochs, SkipOldMessages = true };
                for (int w = 0; w < walks; w++)
                    Phase($"walk to null #{w + 1}", () => SnapshotWriter.WriteAsync(engine, Stream.Null, so).GetAwaiter().GetResult());
                Phase("dispose", () => engine.Dispose());
                Phase("import (all)", () => SnapshotImporter.ImportAsync(car, new ChainStoreOptions { RecentStateRoots = (int)epochs, ReorgDepth = 0 }).GetAwaiter().GetResult().Dispose());
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        return 0;
    }
}
