using System.Diagnostics;
using FilFil.Fuzz;

// FilFil.Fuzz <target>                     afl++ mode (SharpFuzz fork server); run under afl-fuzz by fuzz/run.sh
// FilFil.Fuzz smoke <corpus> [-n N] [-t a,b] [-r dir]
//                                          every seed (and every file of the regression folder) through every target,
//                                          then N deterministic mutations of them per target; no afl++ needed
// FilFil.Fuzz repro <target> <file>        one input, the exception printed
// FilFil.Fuzz list                         the target names
if (args.Length == 0) return Usage();
switch (args[0])
{
    case "list":
        foreach (var t in Targets.All.Keys) Console.WriteLine(t);
        return 0;
    case "repro" when args.Length == 3 && Targets.All.TryGetValue(args[1], out var target):
        try { target(File.ReadAllBytes(args[2])); Console.WriteLine("no finding"); return 0; }
        catch (Exception e) { Console.WriteLine(e); return 1; }
    case "smoke" when args.Length >= 2:
        return Smoke.Run(args[1], args[2..]);
    default:
        if (args.Length == 1 && Targets.All.TryGetValue(args[0], out var fuzz))
        {
            SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
            {
                using var ms = new MemoryStream();
                stream.CopyTo(ms);
                fuzz(ms.ToArray());
            });
            return 0;
        }
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: FilFil.Fuzz <target> | smoke <corpus> [-n mutations] [-t targets] [-r regressions] | repro <target> <file> | list");
    Console.Error.WriteLine("targets: " + string.Join(", ", Targets.All.Keys));
    return 2;
}

namespace FilFil.Fuzz
{
    /// <summary>
    /// The CI smoke: seeds and regression inputs through each target, then deterministic mutations (bit flips, byte
    /// sets, inserts, deletes, splices) of them, in process. Catches regressions without afl++; a watchdog ends the
    /// process with exit 3 if one input runs longer than 10 s (a hang).
    /// </summary>
    internal static class Smoke
    {
        public static int Run(string corpus, string[] opts)
        {
            int mutations = 2000;
            string? only = null, regressions = null;
            for (int i = 0; i + 1 < opts.Length; i += 2)
            {
                switch (opts[i])
                {
                    case "-n": mutations = int.Parse(opts[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "-t": only = opts[i + 1]; break;
                    case "-r": regressions = opts[i + 1]; break;
                    default: Console.Error.WriteLine($"unknown option {opts[i]}"); return 2;
                }
            }
            int failedTargets = 0, passedTargets = 0;
            StartWatchdog();
            foreach (var (name, target) in Targets.All)
            {
                if (only is not null && !only.Split(',').Contains(name)) continue;
                var seeds = Files(Path.Combine(corpus, name)).Concat(regressions is null ? [] : Files(Path.Combine(regressions, name))).ToList();
                if (seeds.Count == 0) { Console.WriteLine($"fuzz-smoke {name}: no seeds in {Path.Combine(corpus, name)}"); failedTargets++; continue; }
                var inputs = seeds.Select(File.ReadAllBytes).ToList();
                var sw = Stopwatch.StartNew();
                var rng = new Random(15);
                long execs = 0;
                string? finding = null;
                for (int i = 0; i < inputs.Count + mutations && finding is null; i++)
                {
                    byte[] input = i < inputs.Count ? inputs[i] : Mutate(rng, inputs[rng.Next(inputs.Count)], inputs[rng.Next(inputs.Count)]);
                    string label = i < inputs.Count ? seeds[i] : $"mutation {i - inputs.Count}";
                    finding = RunOne(name, target, input, label);
                    execs++;
                }
                if (finding is null) passedTargets++; else failedTargets++;
                Console.WriteLine($"fuzz-smoke {name}: {seeds.Count} seeds, {execs} execs, {sw.Elapsed.TotalSeconds:F1} s, {(finding is null ? "ok" : "FINDING " + finding)}");
            }
            Console.WriteLine($"fuzz-smoke: {passedTargets} passed, {failedTargets} failed");
            return failedTargets == 0 ? 0 : 1;
        }

        private static IEnumerable<string> Files(string dir) =>
            Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal) : [];

        private static long _startedAt; // Stopwatch timestamp of the running input, 0 between inputs
        private static volatile string _running = "";
        private static byte[] _input = [];

        /// <summary>One watchdog thread for the whole run: an input running over 10 s is a hang (exit 3).</summary>
        private static void StartWatchdog()
        {
            new Thread(() =>
            {
                while (true)
                {
                    Thread.Sleep(500);
                    long t = Interlocked.Read(ref _startedAt);
                    if (t == 0 || Stopwatch.GetElapsedTime(t) < TimeSpan.FromSeconds(10)) continue;
                    string path = Path.Combine(Path.GetTempPath(), "fuzz-smoke-hang.bin");
                    File.WriteAllBytes(path, _input);
                    Console.WriteLine($"fuzz-smoke: HANG over 10 s on {_running} (input saved to {path})");
                    Console.WriteLine("fuzz-smoke: 0 passed, 1 failed");
                    Environment.Exit(3);
                }
            }) { IsBackground = true }.Start();
        }

        private static string? RunOne(string name, Action<byte[]> target, byte[] input, string label)
        {
            _input = input;
            _running = $"{name} {label}";
            Interlocked.Exchange(ref _startedAt, Stopwatch.GetTimestamp());
            try
            {
                target(input);
                return null;
            }
            catch (Exception e)
            {
                string path = Path.Combine(Path.GetTempPath(), $"fuzz-smoke-{name}-crash.bin");
                File.WriteAllBytes(path, input);
                return $"on {label} (saved to {path}): {e.GetType().Name}: {e.Message}";
            }
            finally { Interlocked.Exchange(ref _startedAt, 0); }
        }

        private static byte[] Mutate(Random rng, byte[] a, byte[] b)
        {
            var d = new List<byte>(a);
            int edits = 1 + rng.Next(4);
            for (int k = 0; k < edits; k++)
            {
                int at = d.Count == 0 ? 0 : rng.Next(d.Count);
                switch (rng.Next(6))
                {
                    case 0 when d.Count > 0: d[at] ^= (byte)(1 << rng.Next(8)); break;
                    case 1 when d.Count > 0: d[at] = (byte)rng.Next(256); break;
                    case 2: d.Insert(at, (byte)rng.Next(256)); break;
                    case 3 when d.Count > 0: d.RemoveRange(at, Math.Min(d.Count - at, 1 + rng.Next(16))); break;
                    case 4 when b.Length > 0:
                        {
                            int from = rng.Next(b.Length), len = Math.Min(b.Length - from, 1 + rng.Next(64));
                            d.InsertRange(at, b.AsSpan(from, len).ToArray());
                            break;
                        }
                    case 5 when d.Count > 0: d.RemoveRange(at, d.Count - at); break;
                }
            }
            return d.ToArray();
        }
    }
}
