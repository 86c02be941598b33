using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FilFil.Core.Piece;

namespace FilFil.Bench;

/// <summary>
/// commP throughput against the machine's SHA-256 limit measured in the same run:
/// limit = openssl speed -evp sha256 -bytes 16384 (bytes/s, one core) x cores / 4, because every 32-byte leaf of the
/// padded piece costs about one internal node = two 64-byte compressions (128 bytes of SHA-256 input).
/// Rates are in padded-piece bytes per second (payload x 128/127), the unit the limit is in.
/// The headline ratio interleaves 3 openssl runs with 3 commP passes (Auto path) and compares the best of each;
/// the per-path figures are one pass each.
/// Options: --size N[K|M|G] payload (default 512M), --managed-size N for the slow managed path (default 32M),
/// --seconds S per openssl run (default 2), --sweep (only print rates for 1..4 worker threads).
/// </summary>
public sealed class CommPBenchmark : IBenchmark
{
    public string Name => "commp";
    public string Description => "piece commitment GB/s (AVX-512, AVX2, libcrypto and managed SHA-256 paths) vs openssl sha256 x cores / 4";

    public int Run(string[] args)
    {
        long size = ParseSize(Arg(args, "--size") ?? "512M");
        long managedSize = ParseSize(Arg(args, "--managed-size") ?? "32M");
        int seconds = int.Parse(Arg(args, "--seconds") ?? "2", CultureInfo.InvariantCulture);
        int cores = Environment.ProcessorCount;

        var data = new byte[size];
        FillPseudoRandom(data);
        Console.WriteLine($"cores                     {cores}");
        Console.WriteLine($"payload                   {size:N0} bytes pseudo-random, in memory");
        Hash(data.AsSpan(0, (int)Math.Min(size, 256 << 20)), 0, CommPHashBackend.Auto); // warm-up pass (first passes in a process run slower)

        // The machine is shared: interleave the limit and the commP measurement (3 rounds) and keep the best of each,
        // so both see the same load.
        double shaRate = 0, shaWall = 0, autoRate = 0, autoCpu = 0;
        string shaSource = "";
        PieceInfo? autoInfo = null;
        for (int r = 0; r < 3; r++)
        {
            var (rate, src) = MeasureSha256(seconds, elapsed: false);
            shaRate = Math.Max(shaRate, rate);
            shaSource = src;
            shaWall = Math.Max(shaWall, MeasureSha256(seconds, elapsed: true).BytesPerSecond);
            autoRate = Math.Max(autoRate, Measure(data, 0, CommPHashBackend.Auto, out autoInfo, out double cpu));
            autoCpu = Math.Max(autoCpu, cpu);
        }
        double limit = shaRate * cores / 4;
        using (var auto = new CommPHasher())
        {
            Console.WriteLine($"sha256 16 KiB, one core   {shaRate / 1e9:F3} GB/s (best of 3: {shaSource})");
            Console.WriteLine($"limit = sha256 x {cores} / 4    {limit / 1e9:F3} GB/s of padded piece");
            Console.WriteLine($"commP Auto    {cores} threads {autoRate / 1e9,7:F3} GB/s   (best of 3, {auto.HashPath}) {autoInfo!.PieceCidV2}");
        }
        double ratio = autoRate / limit;
        bool pass = ratio >= 1.0;
        Console.WriteLine($"ratio commP/limit         {ratio:F2} (target >= 1.00)  {(pass ? "PASS" : "FAIL")}");
        // openssl speed divides by its CPU user time, so on a busy machine its figure ignores the load our wall-clock
        // passes suffer. Two load-independent views, for information (the exit code uses the strict ratio above):
        Console.WriteLine($"load: {Environment.ProcessorCount} cores, loadavg {LoadAverage()}");
        Console.WriteLine($"  openssl -elapsed (wall clock, same load) {shaWall / 1e9:F3} GB/s -> commP/limit {autoRate / (shaWall * cores / 4):F2}");
        Console.WriteLine($"  commP per CPU-second {autoCpu / 1e9:F3} GB/s vs sha256 per CPU-second / 4 = {shaRate / 4 / 1e9:F3} -> {autoCpu / (shaRate / 4):F2}");
        Console.WriteLine("-- every path (one pass each on up to 256 MiB; single thread on up to 128 MiB):");

        if (args.Contains("--sweep"))
        {
            for (int r = 0; r < 3; r++)
                foreach (int th in new[] { 1, 2, 3, 4 })
                    Console.WriteLine($"sweep threads {th}: {Measure(data, th, CommPHashBackend.Auto, out _, out _) / 1e9:F3} GB/s");
            return 0;
        }
        int rc = pass ? 0 : 1;
        var prefix = data.Length > (256 << 20) ? data.AsSpan(0, 256 << 20).ToArray() : data;
        var reference = ReferenceEquals(prefix, data) ? autoInfo! : Hash(prefix, 0, CommPHashBackend.Auto);
        foreach (var backend in new[] { CommPHashBackend.Avx512, CommPHashBackend.Native, CommPHashBackend.Avx2 })
        {
            if (!Available(backend)) { Console.WriteLine($"commP {backend,-7} unavailable here"); continue; }
            Hash(data.AsSpan(0, (int)Math.Min(size, 64 << 20)), 0, backend);
            double multi = Measure(prefix, 0, backend, out var info, out _);
            var part = data.AsSpan(0, (int)Math.Min(size, 128L << 20)).ToArray();
            double single = Measure(part, 1, backend, out _, out double singleCpu);
            Console.WriteLine($"commP {backend,-7} {cores} threads {multi / 1e9,7:F3} GB/s   {info.PieceCidV2}");
            Console.WriteLine($"commP {backend,-7} 1 thread  {single / 1e9,7:F3} GB/s   ({single / (shaRate / 4):F2} x the one-core limit; per CPU-second {singleCpu / 1e9:F3} GB/s = {singleCpu / (shaRate / 4):F2} x)");
            if (reference.PieceCidV2 != info.PieceCidV2) { Console.WriteLine($"MISMATCH: {backend} differs from Auto"); rc = 1; }
        }

        var mdata = data.AsSpan(0, (int)Math.Min(size, managedSize)).ToArray();
        double managed = Measure(mdata, 0, CommPHashBackend.Managed, out var minfo, out _);
        var check = Hash(mdata, 0, CommPHashBackend.Auto);
        bool agree = check.PieceCidV2 == minfo.PieceCidV2;
        Console.WriteLine($"commP Managed {cores} threads {managed / 1e9,7:F3} GB/s   ({mdata.Length:N0} bytes; same CID as Auto: {agree})");
        if (!agree) rc = 1;
        Console.WriteLine($"result                    ratio {ratio:F2} {(pass ? "PASS" : "FAIL")}{(rc != 0 && pass ? ", but the paths disagree" : "")}");
        return rc;
    }

    private static bool Available(CommPHashBackend b)
    {
        try { using var h = new CommPHasher(1, b); return true; }
        catch (PlatformNotSupportedException) { return false; }
    }

    private static PieceInfo Hash(ReadOnlySpan<byte> data, int threads, CommPHashBackend backend)
    {
        using var h = new CommPHasher(threads, backend);
        h.Write(data);
        return h.Finish();
    }

    /// <summary>Padded bytes per wall-clock second of one full pass; <paramref name="perCpuSecond"/> divides by the process CPU time instead.</summary>
    private static double Measure(byte[] data, int threads, CommPHashBackend backend, out PieceInfo info, out double perCpuSecond)
    {
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        info = Hash(data, threads, backend);
        sw.Stop();
        proc.Refresh();
        double padded = data.Length * 128.0 / 127.0;
        perCpuSecond = padded / Math.Max(1e-6, (proc.TotalProcessorTime - cpu0).TotalSeconds);
        return padded / sw.Elapsed.TotalSeconds;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    private static (double BytesPerSecond, string Source) MeasureSha256(int seconds, bool elapsed)
    {
        try
        {
            var psi = new ProcessStartInfo("openssl", $"speed {(elapsed ? "-elapsed " : "")}-evp sha256 -bytes 16384 -seconds {seconds}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit((seconds + 30) * 1000)) { p.Kill(); throw new TimeoutException("openssl speed did not finish"); }
            _ = stderr.Result;
            // "sha256         1570694.47k" : thousands of bytes per second
            var m = Regex.Match(output, @"^sha256\s+([0-9.]+)k\s*$", RegexOptions.Multiline);
            if (!m.Success) throw new FormatException("no sha256 line in openssl speed output: " + output);
            return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000, "openssl speed -evp sha256 -bytes 16384");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException or TimeoutException or InvalidOperationException)
        {
            Console.WriteLine($"openssl unavailable ({e.Message}); measuring SHA256.HashData over 16 KiB buffers instead");
            var buf = new byte[16384];
            var h = new byte[32];
            long n = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds) { for (int i = 0; i < 256; i++) SHA256.HashData(buf, h); n += 256; }
            return (n * 16384.0 / sw.Elapsed.TotalSeconds, "SHA256.HashData 16 KiB (openssl missing)");
        }
    }

    private static void FillPseudoRandom(byte[] data)
    {
        ulong x = 0x9E3779B97F4A7C15UL;
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(data.AsSpan(0, data.Length & ~7));
        for (int i = 0; i < words.Length; i++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            words[i] = x;
        }
        for (int i = data.Length & ~7; i < data.Length; i++) data[i] = (byte)i;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static long ParseSize(string s)
    {
        s = s.Trim();
        long mult = char.ToUpperInvariant(s[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        if (mult != 1) s = s[..^1];
        long v = long.Parse(s, CultureInfo.InvariantCulture) * mult;
        if (v <= 0 || v > int.MaxValue - 64) throw new ArgumentOutOfRangeException(nameof(s), v, "benchmark size must be 1 byte .. 2 GiB");
        return v;
    }
}
