using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>The real genesis of mainnet or calibnet, loaded from the CAR embedded in this assembly (Lotus build/genesis).</summary>
internal sealed class Genesis
{
    public required Cid HeaderCid { get; init; }
    public required BlockHeader Header { get; init; }
    public required IReadOnlyList<(Cid Cid, byte[] Data)> Blocks { get; init; }

    private static readonly Dictionary<string, Genesis> Cache = new();

    public static Genesis Load(string network)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(network, out var g)) return g;
            string name = $"FilFil.Devnet.{network}.car.zst";
            using var s = typeof(Genesis).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"embedded genesis resource '{name}' is missing");
            using var car = new CarReader(s);
            if (car.Roots.Count != 1) throw new InvalidOperationException($"genesis CAR has {car.Roots.Count} roots, expected 1");
            var blocks = new List<(Cid, byte[])>();
            foreach (var (cid, data) in car.ReadAll())
            {
                if (!cid.Verify(data)) throw new InvalidOperationException($"genesis block {cid} fails its hash");
                blocks.Add((cid, data));
            }
            var root = car.Roots[0];
            var headerBytes = blocks.First(b => b.Item1 == root).Item2;
            g = new Genesis { HeaderCid = root, Header = BlockHeader.Decode(headerBytes), Blocks = blocks };
            Cache[network] = g;
            return g;
        }
    }
}
