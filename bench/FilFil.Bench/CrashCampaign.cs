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
/// round starts two writer processes (this program, <c>crash-writer</c>) that take snapshots in a loop into one
/// folder, with one shared catalog in another folder, and kills each with SIGKILL at a random moment (2 kills a
/// round). One writes single files of a chain of <c>stateBlocks</c>; the other writes split snapshots
/// (<c>-PieceSize</c> 1 MiB) of a chain large enough for several pieces, with 30 ms between two piece renames so kills
/// land between them too. A writer prints its paths only after <see cref="SnapshotService.TakeAsync"/> returned, i.e.
/// after its catalog entry was written. The catalog is seeded with <c>catalogEntries</c> entries so its read-merge-rename
/// takes a real share of each cycle and kills land there too. After every round:
/// <list type="bullet">
/// <item>every file under a final name (<c>*.car</c>) has exactly the bytes of the reference snapshot, or of the
/// reference split snapshot's piece of its number (no partial file);</item>
/// <item>the catalog parses, holds no path twice, holds every path a writer acknowledged, and every entry's file exists;</item>
/// <item>a file renamed by a writer killed before its catalog update (its entry still pending) is in the catalog after
/// the next round's first writes (the next write settles the pending records of dead writers); for a split snapshot
/// killed between piece renames, either all its pieces are then in the catalog as one entry or none is left;</item>
/// <item>every split entry names all the reference's pieces;</item>
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
        string splitChain = Path.Combine(dir, "split.car");
        EngineChain.Write(splitChain, Epochs, SplitStateBlocks);
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
        byte[][] pieceRefs;
        using (var engine = SnapshotImporter.ImportAsync(splitChain, new ChainStoreOptions { RecentStateRoots = (int)RecentRoots, ReorgDepth = 0 }).GetAwaiter().GetResult())
        {
            var r = SnapshotService.TakeAsync(engine, Request(Path.Combine(dir, "reference-split.car"), split: true), null).GetAwaiter().GetResult();
            pieceRefs = r.Paths.Select(f => SHA256.HashData(File.ReadAllBytes(f))).ToArray();
            foreach (var f in r.Paths) File.Delete(f);
        }
        if (pieceRefs.Length < 3) { Console.WriteLine($"crash campaign    FAIL: the split chain gave {pieceRefs.Length} pieces, not 3 or more"); return 1; }
        Console.WriteLine($"split snapshots   {pieceRefs.Length} pieces of at most 1 MiB ({SplitStateBlocks} state blocks)");

        var rnd = new Random(seed);
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var orphans = new List<string>();
        var orphanGroups = new List<string[]>();
        int splitKilledMidRename = 0, splitAdopted = 0, splitRemoved = 0;
        var splitEntries = new HashSet<string>(StringComparer.Ordinal);
        int kills = 0, unrecorded = 0, adopted = 0, staleLeft = 0, partial = 0, lost = 0, duplicated = 0, missingFiles = 0, killsInTemp = 0, writes = 0;
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        for (int round = 0; round <= rounds; round++)
        {
            var staleBefore = TempFilesIn(outDir, home);
            var writers = new[] { Writer.Start(chain, outDir, catalogPath, $"r{round}a", split: false), Writer.Start(splitChain, outDir, catalogPath, $"r{round}b", split: true) };
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
            // a split snapshot cut between its piece renames: all its pieces adopted as one entry, or none left
            foreach (var g in orphanGroups)
            {
                if (g.All(now.Contains)) splitAdopted++;
                else if (!g.Any(File.Exists) && !g.Any(now.Contains)) splitRemoved++;
                else failures.Add($"round {round}: split snapshot {Path.GetFileName(g[0])} cut between renames: {g.Count(File.Exists)} of {g.Length} pieces left, {g.Count(now.Contains)} in the catalog");
            }
            if (round == rounds) { foreach (var w in writers) { w.Kill(); w.Dispose(); } break; } // the last start only checks the adoption
            // kill each at a random moment of its cycle (a cycle is a walk, a rename, a catalog read-merge-rename)
            foreach (var w in writers.OrderBy(_ => rnd.Next()))
            {
                Thread.Sleep(rnd.Next(0, 400));
                w.Kill();
                kills++;
            }
            foreach (var w in writers) { acknowledged.UnionWith(w.Acknowledged); writes += w.Snapshots; w.Dispose(); }
            if (TempFilesIn(outDir, home).Count > 0) killsInTemp++;

            // the checks
            foreach (var f in CarFiles(outDir))
            {
                var expected = PieceNumber(f) is { } n ? (n < pieceRefs.Length ? pieceRefs[n] : []) : reference;
                if (!SHA256.HashData(File.ReadAllBytes(f)).AsSpan().SequenceEqual(expected)) { partial++; failures.Add($"round {round}: {Path.GetFileName(f)} is not a complete snapshot or piece"); }
            }
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
            foreach (var split in entries.Skip(seeded).Where(e => e.Paths.Length > 1 || PieceNumber(e.Paths[0]) is not null))
            {
                splitEntries.Add(split.Paths[0]);
                if (split.Paths.Length != pieceRefs.Length) { lost++; failures.Add($"round {round}: split entry {Path.GetFileName(split.Paths[0])} names {split.Paths.Length} of {pieceRefs.Length} pieces"); }
            }
            acknowledged.UnionWith(inCatalog); // from now on, an entry must stay
            var notInCatalog = CarFiles(outDir).Where(f => !inCatalog.Contains(f)).ToList();
            // pieces of one split snapshot (prefix.NNN.car) not in the catalog: killed before its update, maybe between renames
            var groups = notInCatalog.Where(f => PieceNumber(f) is not null).GroupBy(f => f[..^8], StringComparer.Ordinal)
                .Select(g => Enumerable.Range(0, pieceRefs.Length).Select(i => $"{g.Key}.{i:D3}.car").ToArray()).ToList();
            splitKilledMidRename += groups.Count(g => !g.All(File.Exists));
            orphans = notInCatalog.Where(f => PieceNumber(f) is null).Concat(groups.Where(g => g.All(File.Exists)).SelectMany(g => g)).ToList();
            orphanGroups = groups.Where(g => !g.All(File.Exists)).ToList();
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
        Console.WriteLine($"split snapshots   {splitEntries.Count} in the catalog; {splitKilledMidRename} cut between piece renames: {splitAdopted} adopted whole, {splitRemoved} removed (limit: all one or the other)");
        bool pass = failures.Count == 0 && adopted == unrecorded && kills >= 2 * rounds;
        Console.WriteLine($"crash campaign    {(pass ? "PASS" : "FAIL")} in {clock.Elapsed.TotalSeconds:N0} s");
        return pass ? 0 : 1;
    }

    /// <summary>State blocks of the split writer's chain: 5 pieces of 1 MiB.</summary>
    private const int SplitStateBlocks = 7000;

    private static TakeSnapshotRequest Request(string path, bool split = false) =>
        new() { Path = path, RecentStateRoots = RecentRoots, SkipOldMessages = true, PieceSize = split ? SnapshotService.MinPieceSize : null };

    /// <summary>The piece number of <c>prefix.NNN.car</c>, or null for a single-file snapshot.</summary>
    private static int? PieceNumber(string path)
    {
        string name = Path.GetFileName(path);
        return name.Length > 8 && name.EndsWith(".car", StringComparison.Ordinal) && name[^8] == '.' && name[^7..^4].All(char.IsAsciiDigit)
            ? int.Parse(name[^7..^4], CultureInfo.InvariantCulture) : null;
    }

    private static IEnumerable<string> CarFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.car").Where(f => !TempFiles.IsTemporary(f));

    private static HashSet<string> TempFilesIn(params string[] dirs) =>
        dirs.SelectMany(d => Directory.EnumerateFiles(d)).Where(f => TempFiles.IsTemporary(f) || f.Contains(".pending-", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The writer process (<c>crash-writer chain out catalog tag</c>, run by <see cref="Program"/>): snapshots in a loop, one line per write whose catalog entry is in.</summary>
    public static int WriterMain(string[] args)
    {
        string chain = args[0], outDir = args[1], catalogPath = args[2], tag = args[3];
        bool split = args.Length > 4 && args[4] == "split";
        if (split) SnapshotWriter.BetweenPieceRenames = () => Thread.Sleep(30); // widen the window between renames
        using var engine = SnapshotImporter.ImportAsync(chain, new ChainStoreOptions { RecentStateRoots = (int)RecentRoots, ReorgDepth = 0 }).GetAwaiter().GetResult();
        var catalog = new SnapshotCatalog(catalogPath);
        for (int i = 0; ; i++)
        {
            var r = SnapshotService.TakeAsync(engine, Request(Path.Combine(outDir, $"{tag}-{i}.car"), split), catalog).GetAwaiter().GetResult();
            if (r.CatalogProblem is not null) { Console.Error.WriteLine(r.CatalogProblem); return 1; }
            Console.Out.WriteLine(string.Join('\t', r.Paths)); // one line per snapshot
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

        public static Writer Start(string chain, string outDir, string catalog, string tag, bool split)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") psi.ArgumentList.Add(typeof(CrashCampaign).Assembly.Location);
            foreach (var a in new[] { "crash-writer", chain, outDir, catalog, tag, split ? "split" : "single" }) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{tag}] {e.Data}"); };
            p.BeginErrorReadLine();
            return new Writer(p);
        }

        /// <summary>The paths of the snapshots it acknowledged.</summary>
        public IReadOnlyList<string> Acknowledged { get { lock (_acks) return _acks.SelectMany(l => l.Split('\t')).ToList(); } }

        /// <summary>How many snapshots it acknowledged.</summary>
        public int Snapshots { get { lock (_acks) return _acks.Count; } }

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
