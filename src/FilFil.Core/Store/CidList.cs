using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>
/// A compact growable list of binary CIDs (one length byte + the CID, in one byte array): a BFS frontier or DFS
/// stack for 10^8 CIDs without an object per CID.
/// </summary>
internal sealed class CidList : ILinkVisitor
{
    private byte[] _buf;
    private int _length;

    public CidList(int capacity = 4096) => _buf = new byte[capacity];

    public int Count { get; private set; }
    public int ByteLength => _length;
    public bool IsEmpty => Count == 0;

    public void Add(ReadOnlySpan<byte> cid)
    {
        if (cid.Length > 255) throw new ArgumentException($"CID of {cid.Length} bytes is too long", nameof(cid));
        if (_length + 1 + cid.Length > _buf.Length)
        {
            long size = Math.Max(_buf.Length * 2L, _length + 1 + cid.Length);
            if (size > Array.MaxLength) throw new InsufficientMemoryException("CID list exceeds the largest array");
            Array.Resize(ref _buf, (int)size);
        }
        _buf[_length] = (byte)cid.Length;
        cid.CopyTo(_buf.AsSpan(_length + 1));
        _length += 1 + cid.Length;
        Count++;
    }

    /// <summary>The CID at byte position <paramref name="pos"/>; advances <paramref name="pos"/> past it.</summary>
    public ReadOnlySpan<byte> Read(ref int pos)
    {
        int n = _buf[pos];
        var r = _buf.AsSpan(pos + 1, n);
        pos += 1 + n;
        return r;
    }

    /// <summary>Advances <paramref name="pos"/> past <paramref name="items"/> CIDs.</summary>
    public void Skip(ref int pos, int items)
    {
        for (int k = 0; k < items; k++) pos += 1 + _buf[pos];
    }

    /// <summary>Appends every CID of <paramref name="other"/>, in order.</summary>
    public void AddAll(CidList other)
    {
        if (other.Count == 0) return;
        if (_length + (long)other._length > _buf.Length)
        {
            long size = Math.Max(_buf.Length * 2L, _length + (long)other._length);
            if (size > Array.MaxLength) throw new InsufficientMemoryException("CID list exceeds the largest array");
            Array.Resize(ref _buf, (int)size);
        }
        other._buf.AsSpan(0, other._length).CopyTo(_buf.AsSpan(_length));
        _length += other._length;
        Count += other.Count;
    }

    /// <summary>Removes and returns the last CID (valid until the next Add).</summary>
    public ReadOnlySpan<byte> Pop(List<int> starts)
    {
        int at = starts[^1];
        starts.RemoveAt(starts.Count - 1);
        int n = _buf[at];
        _length = at;
        Count--;
        return _buf.AsSpan(at + 1, n);
    }

    public void Truncate(int byteLength, int count)
    {
        _length = byteLength;
        Count = count;
    }

    public void Clear()
    {
        _length = 0;
        Count = 0;
    }

    void ILinkVisitor.Visit(ReadOnlySpan<byte> cid) => Add(cid);
}
