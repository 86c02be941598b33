namespace FilFil.Core.Ipld;

/// <summary>Receives each link a <see cref="CborLinks"/> scan finds, as the binary CID (valid only during the call).</summary>
public interface ILinkVisitor
{
    void Visit(ReadOnlySpan<byte> cid);
}
