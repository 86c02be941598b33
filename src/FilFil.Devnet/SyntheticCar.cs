using FilFil.Core.Car;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>Streaming generation of a large mainnet-shaped CAR (see <see cref="DevnetChain.WriteSyntheticCar"/>).</summary>
internal static class SyntheticCar
{
    public static SyntheticCarResult Write(DevnetOptions options, Stream output, long epochs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (!output.CanSeek) throw new ArgumentException("the output stream must be seekable (the CAR header's roots are written last)", nameof(output));
        options.Validate();
        long start = output.Position;
        int k = ChainGenerator.BlockCount(options, epochs, 0);
        // placeholder roots of the final length: every header CID is a 38-byte blake2b-256 dag-cbor CID
        var placeholder = Enumerable.Range(0, k).Select(i => Cid.Create(Multicodec.DagCbor, Multicodec.Blake2b256, new byte[32])).ToArray();
        var car = new CarWriter(output, placeholder, leaveOpen: true);
        var sink = new CarSink(car, 8192 + 4 * (options.ChurnPerEpoch + options.MessagesPerBlock * options.MaxBlocksPerTipSet));
        var headers = new List<(Cid, byte[])>();
        var headerSink = new ListSink(headers);
        var gen = new ChainGenerator(options, sink, NullSink.Instance, headerSink, cancellationToken);
        var head = gen.GenesisTipSet;
        for (long h = 1; h <= epochs; h++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (h < epochs && Rng.For(options.Seed, "null", h).Chance(options.NullRoundRate)) continue;
            head = gen.Mine(h, 0, head, 0);
        }
        for (int i = headers.Count - 1; i >= 0; i--) car.Write(headers[i].Item1, headers[i].Item2);
        car.Flush();
        long end = output.Position;
        var real = CarWriter.EncodeHeader(head.Cids);
        var fake = CarWriter.EncodeHeader(placeholder);
        if (real.Length != fake.Length) throw new InvalidOperationException("root placeholder length mismatch");
        output.Position = start;
        using (var patch = new CarWriter(output, head.Cids, leaveOpen: true)) { }
        output.Position = end;
        output.Flush();
        return new SyntheticCarResult(head.Cids, head.Height, car.BlocksWritten, end - start, headers.Count);
    }

    private sealed class CarSink(CarWriter car, int window) : IBlockSink
    {
        // Only two kinds of block can repeat: tiny constant ones (the empty AMT, StateInfo0 []) and blocks re-put within
        // one tipset (a message two miners both include). So: a permanent set for blocks under 64 bytes and a window
        // of the last few thousand CIDs; memory stays independent of the output size.
        private readonly HashSet<Cid> _small = new();
        private readonly HashSet<Cid> _recent = new();
        private readonly Queue<Cid> _order = new();
        public void Put(Cid cid, byte[] data)
        {
            if (cid.IsIdentity || cid.Codec is not (Multicodec.Cbor or Multicodec.DagCbor or Multicodec.Raw)) return;
            if (data.Length < 64) { if (!_small.Add(cid)) return; }
            else
            {
                if (!_recent.Add(cid)) return;
                _order.Enqueue(cid);
                if (_order.Count > window) _recent.Remove(_order.Dequeue());
            }
            car.Write(cid, data);
        }
    }

    private sealed class ListSink(List<(Cid, byte[])> list) : IBlockSink
    {
        public void Put(Cid cid, byte[] data) => list.Add((cid, data));
    }

    private sealed class NullSink : IBlockSink
    {
        public static readonly NullSink Instance = new();
        public void Put(Cid cid, byte[] data) { }
    }
}
