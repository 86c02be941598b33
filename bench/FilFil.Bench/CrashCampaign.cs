using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using FilFil.Core;
using FilFil.Core.Chain;
using FilFil.Core.Snapshot;

namespace FilFil.Bench;

/// <summary>
/// Issue 15's crash-consistency campaign (args: [rounds=50] [stateBlocks=3000] [catalogEntries=3000] [seed=15]). Each
/// round starts two writer processes (this program, <c>crash-writer</c>) that take snapshots of the same chain in a
/// loop into one folder, with one shared catalog in another folder, and kills each with SIGKILL at a random moment
/// (2 kills a round). A writer prints a path only after <see cref="SnapshotService.TakeAsync"/> returned, i.e. after
/// its catalog entry was written. The catalog is seeded with <c>catalogEntries</c> entries so its read-merge-rename
/// takes a real share of each cycle and kills land there too. After every round:
/// <list type="bullet">
/// <item>every file under a final name (<c>*.car</c>) has exactly the bytes of the reference snapshot (no partial file);</item>
/// <item>the catalog parses, holds no path twice, holds every path a writer acknowledged, and every entry's file exists;</item>
/// <item>a file renamed by a writer killed before its catalog update (its entry still pending) is in the catalog after
/// the next round's first writes (the next update adopts the pending records of dead writers);</item>
/// <item>at the first write of the next round no temporary file of a killed process is left (snapshot or catalog folder).</item>
/// </list>
/// Prints the figures and PASS/FAIL.
/// </summary>
public sealed class CrashCampaign : IBenchmark
{
    public string Name => "crash";
    public string Description => "kill -9 during snapshot writes and catalog updates: no partial file, no lost/duplicate entry, no stale temp";

    private const long Epochs = 12;
    private const long RecentRoots = 4;

    public int Run(string[] args)
    {
        int rounds = Arg(args, 0, 50), stateBlocks = Arg(args, 1, 3000), seeded = Arg(args, 2, 3000), seed = Arg(args, 3, 15);
        string dir = Directory.CreateTempSubdirectory("filfil-crash-").FullName;
        try { return Campaign(dir, rounds, stateBlocks, seeded, seed); }
        finally { Directory.Delete(dir, true); }
    }

    private static int Arg(string[] args, int i, int dflt) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : dflt;

    private static int Campaign(string dir, int rounds, int stateBlocks, int seeded, int seed)
    {
        string chain = Path.Combine(dir, "chain.car"), outDir = Path.Combine(dir, "out"), home = Path.Combine(dir, "home");
        Directory.CreateDirectory(outDir);
        Directory.CreateDirectory(home);
        EngineChain.Write(chain, Epochs, stateBlocks);
        string catalogPath = Path.Combine(home, "catalog.json");
        var old = Enumerable.Range(0, seeded).Select(i => new SnapshotRecord
        {
            Height = i, TipSetKey = [$"seed{i}"], Paths = [$"/gone/seed{i}.car"], Format = "V1", Created = DateTimeOffset.UnixEpoch,
        }).ToList();
        File.WriteAllBytes(catalogPath, JsonSerializer.SerializeToUtf8Bytes(old));

        // the reference: what every complete snapshot of this chain is, byte for byte
        byte[] reference;
        using (var engine = SnapshotImporter.ImportAsync(chain, new ChainStoreOptions { RecentStateRoots = (int)RecentRoots, ReorgDepth = 0 }).GetAwaiter().GetResult())
        {
            string refPath = Path.Combine(dir, "reference.car");
            SnapshotService.TakeAsync(engine, Request(refPath), null).GetAwaiter().GetResult();
            reference = SHA256.HashData(File.ReadAllBytes(refPath));
            File.Delete(refPath);
        }

        var rnd = new Random(seed);
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var orphans = new List<string>();
        int kills = 0, unrecorded = 0, adopted = 0, staleLeft = 0, partial = 0, lost = 0, duplicated = 0, missingFiles = 0, killsInTemp = 0, writes = 0;
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        for (int round = 0; round <= rounds; round++)
        {
            var staleBefore = TempFilesIn(outDir, home);
            var writers = new[] { Writer.Start(chain, outDir, catalogPath, $"r{round}a"), Writer.Start(chain, outDir, catalogPath, $"r{round}b") };
            // both are running and have written at least once (their first write removed the temp files of the killed)
            foreach (var w in writers) w.WaitFirstAck(TimeSpan.FromMinutes(2));
            var leftover = TempFilesIn(outDir, home).Intersect(staleBefore).ToList();
            staleLeft += leftover.Count;
            if (leftover.Count > 0) failures.Add($"round {round}: temp files of killed writers left after the next write: {string.Join(", ", leftover.Select(Path.GetFileName))}");
            // and the files the killed writers renamed before their catalog update are in the catalog now
            var now = new SnapshotCatalog(catalogPath).List().SelectMany(e => e.Paths).ToHashSet(StringComparer.Ordinal);
            foreach (var o in orphans)
            {
                if (now.Contains(o)) adopted++;
                else { lost++; failures.Add($"round {round}: {Path.GetFileName(o)} (renamed before a kill) did not enter the catalog at the next write"); }
            }
            if (round == rounds) { foreach (var w in writers) { w.Kill(); w.Dispose(); } break; } // the last start only checks the adoption
            // kill each at a random moment of its cycle (a cycle is a walk, a rename, a catalog read-merge-rename)
            foreach (var w in writers.OrderBy(_ => rnd.Next()))
            {
                Thread.Sleep(rnd.Next(0, 400));
                w.Kill();
                kills++;
            }
            foreach (var w in writers) { acknowledged.UnionWith(w.Acknowledged); writes += w.Acknowledged.Count; w.Dispose(); }
            if (TempFilesIn(outDir, home).Count > 0) killsInTemp++;

            // the checks
            foreach (var f in CarFiles(outDir))
                if (!SHA256.HashData(File.ReadAllBytes(f)).AsSpan().SequenceEqual(reference)) { partial++; failures.Add($"round {round}: {Path.GetFileName(f)} is not a complete snapshot"); }
            List<SnapshotRecord> entries;
            try { entries = new SnapshotCatalog(catalogPath).List().ToList(); }
            catch (FilFilFormatException e) { failures.Add($"round {round}: catalog unreadable: {e.Message}"); break; }
            var paths = entries.Skip(seeded).SelectMany(e => e.Paths).ToList();
            if (entries.Count < seeded || !entries.Take(seeded).Select(e => e.Paths[0]).SequenceEqual(old.Select(e => e.Paths[0]))) { lost++; failures.Add($"round {round}: seeded entries changed"); }
            int dup = paths.Count - paths.Distinct(StringComparer.Ordinal).Count();
            if (dup > 0) { duplicated += dup; failures.Add($"round {round}: {dup} duplicated entries"); }
            var inCatalog = paths.ToHashSet(StringComparer.Ordinal);
            foreach (var a in acknowledged.Where(a => !inCatalog.Contains(a))) { lost++; failures.Add($"round {round}: acknowledged {Path.GetFileName(a)} is not in the catalog"); }
            foreach (var p in inCatalog.Where(p => !File.Exists(p))) { missingFiles++; failures.Add($"round {round}: catalog entry without file {Path.GetFileName(p)}"); }
            acknowledged.UnionWith(inCatalog); // from now on, an entry must stay
            orphans = CarFiles(outDir).Where(f => !inCatalog.Contains(f)).ToList();
            unrecorded += orphans.Count;
            if ((round + 1) % 10 == 0 || round == rounds - 1)
                Console.WriteLine($"round {round + 1,4}/{rounds}: kills {kills}, acknowledged writes {writes}, catalog entries {inCatalog.Count}, unrecorded {unrecorded}, {clock.Elapsed.TotalSeconds:N0} s, load {Machine.LoadAverage()}");
        }
        foreach (var f in failures.Take(20)) Console.WriteLine($"FAILURE {f}");
        Console.WriteLine($"kills             {kills} (SIGKILL), {killsInTemp} rounds ended with a temp file on disk (killed mid-write or mid-catalog update)");
        Console.WriteLine($"writes            {writes} acknowledged snapshots with catalog entries");
        Console.WriteLine($"partial files     {partial} under a final name (limit 0)");
        Console.WriteLine($"lost entries      {lost} (limit 0); duplicated entries {duplicated} (limit 0); entries without file {missingFiles} (limit 0)");
        Console.WriteLine($"stale temp files  {staleLeft} left after the next write (limit 0)");
        Console.WriteLine($"pending entries   {unrecorded} files renamed by writers killed before their catalog update; {adopted} adopted at the next write (limit: all)");
        bool pass = failures.Count == 0 && adopted == unrecorded && kills >= 2 * rounds;
        Console.WriteLine($"crash campaign    {(pass ? "PASS" : "FAIL")} in {clock.Elapsed.TotalSeconds:N0} s");
        return pass ? 0 : 1;
    }

    private static TakeSnapshotRequest Request(string path) => new() { Path = path, RecentStateRoots = RecentRoots, SkipOldMessages = true };

    private static IEnumerable<string> CarFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.car").Where(f => !TempFiles.IsTemporary(f));

    private static HashSet<string> TempFilesIn(params string[] dirs) =>
        dirs.SelectMany(d => Directory.EnumerateFiles(d)).Where(f => TempFiles.IsTemporary(f) || f.Contains(".pending-", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The writer process (<c>crash-writer chain out catalog tag</c>, run by <see cref="Program"/>): snapshots in a loop, one line per write whose catalog entry is in.</summary>
    public static int WriterMain(string[] args)
    {
        string chain = args[0], outDir = args[1], catalogPath = args[2], tag = args[3];
        using var engine = SnapshotImporter.ImportAsync(chain, new ChainStoreOptions { RecentStateRoots = (int)RecentRoots, ReorgDepth = 0 }).GetAwaiter().GetResult();
        var catalog = new SnapshotCatalog(catalogPath);
        for (int i = 0; ; i++)
        {
            var r = SnapshotService.TakeAsync(engine, Request(Path.Combine(outDir, $"{tag}-{i}.car")), catalog).GetAwaiter().GetResult();
            if (r.CatalogProblem is not null) { Console.Error.WriteLine(r.CatalogProblem); return 1; }
            Console.Out.WriteLine(r.Paths[0]);
            Console.Out.Flush();
        }
    }

    private sealed class Writer : IDisposable
    {
        private readonly Process _p;
        private readonly List<string> _acks = new();
        private readonly ManualResetEventSlim _first = new();
        private readonly Task _reader;

        private Writer(Process p)
        {
            _p = p;
            _reader = Task.Run(() =>
            {
                while (_p.StandardOutput.ReadLine() is { } line)
                {
                    lock (_acks) _acks.Add(line);
                    _first.Set();
                }
            });
        }

        public static Writer Start(string chain, string outDir, string catalog, string tag)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") psi.ArgumentList.Add(typeof(CrashCampaign).Assembly.Location);
            foreach (var a in new[] { "crash-writer", chain, outDir, catalog, tag }) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{tag}] {e.Data}"); };
            p.BeginErrorReadLine();
            return new Writer(p);
        }

        public IReadOnlyList<string> Acknowledged { get { lock (_acks) return _acks.ToList(); } }

        public void WaitFirstAck(TimeSpan timeout)
        {
            if (!_first.Wait(timeout)) throw new TimeoutException($"writer {_p.Id} wrote nothing in {timeout}");
        }

        public void Kill()
        {
            _p.Kill(); // SIGKILL on Unix
            _p.WaitForExit();
            _reader.Wait(TimeSpan.FromSeconds(10));
        }

        public void Dispose()
        {
            _p.Dispose();
            _first.Dispose();
        }
    }
}
