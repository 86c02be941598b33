using FilFil.Core.Ipld;

namespace FilFil.Core.Store;

/// <summary>
/// A compact growable list of binary CIDs (one length byte + the CID): a BFS frontier or DFS stack for 10^8 CIDs
/// without an object per CID. The bytes lie in chunks of <see cref="ChunkSize"/> (the first one starts at the
/// capacity asked for and doubles up to that size), so a list that grows never copies what it holds, and a cleared
/// list keeps its chunks. A position is a byte position over the chunks: chunk <c>pos / ChunkSize</c>; a CID that
/// does not fit in the rest of a chunk starts the next one (a zero byte, or the chunk's end, marks the skip).
/// <para>
/// Full-size chunks come from a small process-wide store of chunks that lists gave back (<see cref="Release"/>,
/// called by the walks that build large lists, such as an import's link walk), so a walk after another does not
/// touch fresh memory for its lists: on a virtual machine each first-touched 4 KiB page costs 3-30 us, as much as
/// linking a few hundred CIDs. At most <see cref="KeptChunksLimit"/> chunks are kept.
/// </para>
/// </summary>
internal sealed class CidList : ILinkVisitor
{
    private const int ChunkBits = 18;
    /// <summary>Bytes of every chunk but a small first one.</summary>
    internal const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;
    private byte[][] _chunks = new byte[1][];
    private int _chunkCount = 1;
    private int _length;

    /// <summary>Most chunks kept for new lists (64 MiB).</summary>
    internal const int KeptChunksLimit = 256;
    private static readonly Stack<byte[]> Kept = new();

    public CidList(int capacity = 4096) => _chunks[0] = capacity >= ChunkSize ? TakeChunk() : new byte[Math.Max(1, capacity)];

    /// <summary>Chunks given back and not yet taken again.</summary>
    internal static int KeptChunks { get { lock (Kept) return Kept.Count; } }

    private static byte[] TakeChunk()
    {
        lock (Kept)
        {
            if (Kept.TryPop(out var c)) return c;
        }
        return GC.AllocateUninitializedArray<byte>(ChunkSize);
    }

    /// <summary>
    /// Empties the list and gives its full-size chunks back for other lists (the list stays usable and starts
    /// small again). Positions and CIDs read from it before are no longer valid.
    /// </summary>
    public void Release()
    {
        lock (Kept)
        {
            for (int k = 0; k < _chunkCount; k++)
            {
                if (_chunks[k].Length == ChunkSize && Kept.Count < KeptChunksLimit) Kept.Push(_chunks[k]);
                _chunks[k] = null!;
            }
        }
        _chunks[0] = new byte[256];
        _chunkCount = 1;
        Clear();
    }

    public int Count { get; private set; }
    /// <summary>The position after the last CID (where the next one is added).</summary>
    public int ByteLength => _length;
    public bool IsEmpty => Count == 0;

    public void Add(ReadOnlySpan<byte> cid)
    {
        int n = cid.Length;
        if (n is 0 or > 255) throw new ArgumentException($"CID of {n} bytes cannot be listed", nameof(cid));
        int k = _length >> ChunkBits, off = _length & ChunkMask;
        if (off + 1 + n > ChunkSize)
        {
            // the rest of this chunk stays unused: mark it and continue in the next chunk
            if (off < _chunks[k].Length) _chunks[k][off] = 0;
            if (k + 2 > int.MaxValue >> ChunkBits) throw new InsufficientMemoryException("CID list exceeds 2 GiB");
            k++;
            off = 0;
            _length = k << ChunkBits;
        }
        var buf = Chunk(k, off + 1 + n);
        buf[off] = (byte)n;
        cid.CopyTo(buf.AsSpan(off + 1));
        _length += 1 + n;
        Count++;
    }

    /// <summary>Chunk <paramref name="k"/> (the next one, or one kept from before a clear) with room for <paramref name="need"/> bytes.</summary>
    private byte[] Chunk(int k, int need)
    {
        if (k == _chunkCount)
        {
            if (k == _chunks.Length) Array.Resize(ref _chunks, 2 * k);
            _chunks[k] = TakeChunk();
            _chunkCount++;
        }
        ref var b = ref _chunks[k];
        if (b.Length < need)
        {
            // the first chunk doubles; at full size it is one from the kept chunks
            int size = Math.Min(ChunkSize, Math.Max(need, 2 * b.Length));
            var grown = size == ChunkSize ? TakeChunk() : new byte[size];
            b.AsSpan(0, Math.Clamp(_length - (k << ChunkBits), 0, b.Length)).CopyTo(grown);
            b = grown;
        }
        return b;
    }

    /// <summary>The CID at byte position <paramref name="pos"/>; advances <paramref name="pos"/> past it.</summary>
    public ReadOnlySpan<byte> Read(scoped ref int pos)
    {
        var b = At(ref pos, out int off);
        int n = b[off];
        pos += 1 + n;
        return b.AsSpan(off + 1, n);
    }

    /// <summary>The chunk holding the CID at <paramref name="pos"/>, moved past a chunk's unused end.</summary>
    private byte[] At(ref int pos, out int off)
    {
        var b = _chunks[pos >> ChunkBits];
        off = pos & ChunkMask;
        if (off >= b.Length || b[off] == 0)
        {
            pos = ((pos >> ChunkBits) + 1) << ChunkBits;
            b = _chunks[pos >> ChunkBits];
            off = 0;
        }
        return b;
    }

    /// <summary>Advances <paramref name="pos"/> past <paramref name="items"/> CIDs.</summary>
    public void Skip(ref int pos, int items)
    {
        for (int k = 0; k < items; k++)
        {
            var b = At(ref pos, out int off);
            pos += 1 + b[off];
        }
    }

    /// <summary>Removes and returns the last CID (valid until the next Add).</summary>
    public ReadOnlySpan<byte> Pop(List<int> starts)
    {
        int at = starts[^1];
        starts.RemoveAt(starts.Count - 1);
        int pos = at;
        var r = Read(ref pos);
        _length = at;
        Count--;
        return r;
    }

    public void Clear()
    {
        _length = 0;
        Count = 0;
    }

    void ILinkVisitor.Visit(ReadOnlySpan<byte> cid) => Add(cid);
}
