namespace FilFil.Core.Piece;

/// <summary>
/// Roots of all-zero trees: level 0 is 32 zero bytes, level l+1 = H(level l || level l). Zero padding regions of a
/// piece are never hashed: they are taken from this table (go-fil-commp-hashhash <c>stackedNulPadding</c>).
/// </summary>
internal static class ZeroComm
{
    /// <summary>Highest level held: 32 &lt;&lt; 58 bytes is the largest size a ulong can express.</summary>
    public const int MaxLevel = 58;
    private static readonly byte[] Table = Build();

    private static byte[] Build()
    {
        var t = new byte[(MaxLevel + 1) * 32];
        for (int l = 1; l <= MaxLevel; l++)
        {
            var prev = t.AsSpan((l - 1) * 32, 32);
            NodeHasher.Managed.HashPair(prev, prev, t.AsSpan(l * 32, 32));
        }
        return t;
    }

    public static ReadOnlySpan<byte> Level(int level)
    {
        if ((uint)level > MaxLevel) throw new ArgumentOutOfRangeException(nameof(level), level, $"zero-tree level must be 0..{MaxLevel}");
        return Table.AsSpan(level * 32, 32);
    }
}
