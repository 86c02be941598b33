using System.Diagnostics;
using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>
/// Streams a mainnet-shaped synthetic chain (DevnetChain.WriteSyntheticCar) of about --mb megabytes (default 1024) into a
/// byte-counting stream and samples the process's peak working set and GC heap, to show memory stays bounded: it depends
/// on the state size (32-byte digests per state node), not on the output. Peer: the same state with a quarter of the
/// epochs, measured in the same run; memory should stay flat while the output grows. Target: peak working set &lt;= 25% of the CAR size for the full run.
/// </summary>
public sealed class DevnetCarBenchmark : IBenchmark
{
    public string Name => "devnet-car";
    public string Description => "synthetic CAR streaming: MB/s and peak memory vs output size (1 GB default)";

    public int Run(string[] args)
    {
        int i = Array.IndexOf(args, "--mb");
        long mb = i >= 0 && i + 1 < args.Length && long.TryParse(args[i + 1], out var v) ? v : 1024;
        var quarter = Measure(mb / 4);
        var full = Measure(mb);
        double share = (double)full.PeakWorkingSet / full.Bytes;
        Console.WriteLine($"memory growth: output x{(double)full.Bytes / quarter.Bytes:F1}, peak GC heap x{(double)full.PeakHeap / quarter.PeakHeap:F2}");
        Console.WriteLine($"ratio peak working set / CAR bytes = {share:F3} (target <= 0.25)");
        return share <= 0.25 ? 0 : 1;
    }

    private sealed record Result(long Bytes, long Blocks, long PeakWorkingSet, long PeakHeap, double Seconds);

    private static Result Measure(long mb)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long targetBytes = mb << 20;
        // a fixed state (~100k blocks, ~110 MB); the output grows with the number of epochs (~3000 new blocks each)
        var o = new DevnetOptions
        {
            Seed = 9, StateBlocks = 100_000, AverageBlockSize = 1024, ChurnPerEpoch = 3000, MessagesPerBlock = 16, NullRoundRate = 0.03,
        };
        long epochs = Math.Max(10, (targetBytes - 110_000_000) / 4_000_000);
        using var sink = new CountingStream();
        long peakHeap = 0;
        using var proc = Process.GetCurrentProcess();
        proc.Refresh();
        long baseWs = proc.WorkingSet64;
        long peakWs = baseWs;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
                using var p = Process.GetCurrentProcess();
                peakWs = Math.Max(peakWs, p.WorkingSet64);
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var sw = Stopwatch.StartNew();
        var res = DevnetChain.WriteSyntheticCar(o, sink, epochs);
        double t = sw.Elapsed.TotalSeconds;
        stop.Cancel();
        sampler.Wait();
        Console.WriteLine($"{mb,6} MB target: wrote {res.Bytes / 1e6,8:N1} MB, {res.Blocks,9:N0} blocks, head {res.HeadHeight} in {t:F1} s " +
                          $"({res.Bytes / 1e6 / t:N0} MB/s); peak GC heap after a collection {peakHeap / 1e6:N0} MB, peak working set {peakWs / 1e6:N0} MB");
        return new Result(res.Bytes, res.Blocks, peakWs, peakHeap, t);
    }

    /// <summary>A seekable sink that counts bytes and discards them (the CAR header is patched in place at the end).</summary>
    private sealed class CountingStream : Stream
    {
        private long _pos, _len;
        public override bool CanRead => false;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => _len;
        public override long Position { get => _pos; set => _pos = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => _pos = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _pos + offset, _ => _len + offset };
        public override void SetLength(long value) => _len = value;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) { _pos += buffer.Length; _len = Math.Max(_len, _pos); }
    }
}
