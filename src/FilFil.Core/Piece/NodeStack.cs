namespace FilFil.Core.Piece;

/// <summary>
/// The right edge of a left-packed binary tree being built bottom-up: at most one pending node per level (a binary
/// counter). Nodes are pushed in order at aligned positions; <see cref="Finish"/> pairs leftover nodes with zero
/// subtrees up to the requested height.
/// </summary>
internal sealed class NodeStack
{
    private readonly NodeHasher _hasher;
    private readonly byte[] _nodes = new byte[64 * 32];
    private ulong _present;

    public NodeStack(NodeHasher hasher) => _hasher = hasher;

    public bool IsEmpty => _present == 0;

    /// <summary>
    /// Adds the root of a complete subtree at <paramref name="level"/> (32 &lt;&lt; level bytes). The caller keeps
    /// subtrees aligned: nothing may be pending below <paramref name="level"/>.
    /// </summary>
    public void Push(ReadOnlySpan<byte> node, int level)
    {
        if ((_present & ((1UL << level) - 1)) != 0)
            throw new InvalidOperationException($"unaligned push at level {level} (pending mask 0x{_present:x})");
        Span<byte> cur = stackalloc byte[32];
        node[..32].CopyTo(cur);
        while ((_present & (1UL << level)) != 0)
        {
            _hasher.HashPair(_nodes.AsSpan(level * 32, 32), cur, cur);
            _present &= ~(1UL << level);
            level++;
        }
        cur.CopyTo(_nodes.AsSpan(level * 32, 32));
        _present |= 1UL << level;
    }

    /// <summary>The node held at <paramref name="level"/> when it is the only one (a complete tree).</summary>
    public void TakeSingle(int level, Span<byte> root)
    {
        if (_present != 1UL << level) throw new InvalidOperationException($"expected one complete subtree at level {level}, pending mask 0x{_present:x}");
        _nodes.AsSpan(level * 32, 32).CopyTo(root);
        _present = 0;
    }

    /// <summary>Folds everything pending into the root of a tree of <paramref name="height"/> levels, filling the right with zero subtrees.</summary>
    public void Finish(int height, Span<byte> root)
    {
        if (_present >> height > 1 || (_present >> height == 1 && (_present & ((1UL << height) - 1)) != 0))
            throw new InvalidOperationException($"more data pending than a tree of height {height} holds (mask 0x{_present:x})");
        if (_present == 0)
        {
            ZeroComm.Level(height).CopyTo(root);
            return;
        }
        Span<byte> cur = stackalloc byte[32];
        bool carry = false;
        for (int l = 0; l < height; l++)
        {
            bool has = (_present & (1UL << l)) != 0;
            if (has && carry) _hasher.HashPair(_nodes.AsSpan(l * 32, 32), cur, cur);
            else if (has) { _hasher.HashPair(_nodes.AsSpan(l * 32, 32), ZeroComm.Level(l), cur); carry = true; }
            else if (carry) _hasher.HashPair(cur, ZeroComm.Level(l), cur);
        }
        if (carry) cur.CopyTo(root);
        else _nodes.AsSpan(height * 32, 32).CopyTo(root);
        _present = 0;
    }
}
