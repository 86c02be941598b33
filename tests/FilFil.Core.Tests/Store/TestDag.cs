using FilFil.Core.Ipld;
using FilFil.Core.Store;

namespace FilFil.Core.Tests.Store;

/// <summary>Builds small DAG-CBOR DAGs for tests and serves them as an <see cref="IBlockSource"/>.</summary>
internal sealed class TestDag : IBlockSource
{
    public Dictionary<Cid, byte[]> Blocks { get; } = new();
    public HashSet<Cid> Missing { get; } = new();
    public Dictionary<Cid, int> Corrupt { get; } = new();  // cid -> how many times to serve wrong bytes
    public int Requests;

    /// <summary>A DAG-CBOR node [tag, [links...]].</summary>
    public Cid Node(string tag, params Cid[] links)
    {
        var w = new CborWriter();
        w.WriteArray(2).WriteText(tag).WriteArray(links.Length);
        foreach (var l in links) w.WriteCid(l);
        var data = w.ToArray();
        var cid = Cid.Hash(data);
        Blocks[cid] = data;
        return cid;
    }

    public Cid Raw(string content)
    {
        var data = System.Text.Encoding.UTF8.GetBytes(content);
        var cid = Cid.Hash(data, Multicodec.Raw);
        Blocks[cid] = data;
        return cid;
    }

    public ValueTask<ReadOnlyMemory<byte>> GetAsync(Cid cid, CancellationToken ct)
    {
        Interlocked.Increment(ref Requests);
        lock (Corrupt)
        {
            if (Corrupt.TryGetValue(cid, out int n) && n > 0)
            {
                Corrupt[cid] = n - 1;
                return ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[] { 0x80 });
            }
        }
        if (Missing.Contains(cid) || !Blocks.TryGetValue(cid, out var b))
            throw new BlockUnavailableException(cid, "not in the test source");
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(b);
    }
}
