using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>Receives each new block the generator produces (a store, a CAR writer, or nothing for a dry run).</summary>
internal interface IBlockSink
{
    void Put(Cid cid, byte[] data);
}
