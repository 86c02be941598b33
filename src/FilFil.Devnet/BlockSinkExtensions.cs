using FilFil.Core.Ipld;

namespace FilFil.Devnet;

internal static class BlockSinkExtensions
{
    /// <summary>Hashes a DAG-CBOR block (blake2b-256), hands it to the sink and returns its CID.</summary>
    public static Cid PutCbor(this IBlockSink sink, byte[] data)
    {
        var cid = Cid.Hash(data);
        sink.Put(cid, data);
        return cid;
    }
}
