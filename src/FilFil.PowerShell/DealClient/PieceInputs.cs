using System.Management.Automation;
using FilFil.Core.Ipld;
using FilFil.DealClient.Messages;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// Pieces to publish from what the cmdlets produce: New-FilFilSnapshot's pieces (SnapshotPiece: PieceCidV1,
/// PaddedSize, PayloadSize), Get-FilFilPieceCid results (the same names), Get-FilFilSlot's pieces (PieceCid,
/// PaddedSize, CarSize) or hashtables with those keys.
/// </summary>
internal static class PieceInputs
{
    /// <summary>The binary prefix of a piece CID the market accepts: CIDv1, fil-commitment-unsealed, sha2-256-trunc254-padded, 32 bytes.</summary>
    private static readonly byte[] Prefix = [0x01, 0x81, 0xe2, 0x03, 0x92, 0x20, 0x20];

    public static List<PieceInput> From(IReadOnlyList<PSObject> pieces)
    {
        if (pieces.Count == 0) throw new ArgumentException("no pieces to publish: a snapshot record without pieces (zstd output is not for deals) or an empty -Piece");
        var list = new List<PieceInput>(pieces.Count);
        for (int i = 0; i < pieces.Count; i++)
        {
            var p = pieces[i];
            string cidText = Text(p, i, "PieceCidV1", "PieceCid");
            if (!Cid.TryParse(cidText, out var cid))
                throw new ArgumentException($"piece {i}: \"{cidText}\" is not a CID");
            var bytes = cid.ToArray();
            if (bytes.Length != Prefix.Length + 32 || !bytes.AsSpan(0, Prefix.Length).SequenceEqual(Prefix))
                throw new ArgumentException($"piece {i}: {cidText} is not a piece CID v1 (baga6ea4seaq…, fil-commitment-unsealed sha2-256-trunc254-padded)");
            list.Add(new PieceInput { PieceCid = bytes, PaddedSize = Number(p, i, "PaddedSize"), CarSize = Number(p, i, "PayloadSize", "CarSize") });
        }
        return list;
    }

    private static object? Value(PSObject p, params string[] names)
    {
        if (p.BaseObject is System.Collections.IDictionary d)
        {
            foreach (var n in names)
                foreach (var k in d.Keys)
                    if (k is string s && s.Equals(n, StringComparison.OrdinalIgnoreCase)) return d[k];
            return null;
        }
        foreach (var n in names)
            if (p.Properties[n]?.Value is { } v) return v;
        return null;
    }

    private static string Text(PSObject p, int i, params string[] names) =>
        Value(p, names)?.ToString() ?? throw new ArgumentException($"piece {i} has no {string.Join(" or ", names)}");

    private static ulong Number(PSObject p, int i, params string[] names)
    {
        var v = Value(p, names) ?? throw new ArgumentException($"piece {i} has no {string.Join(" or ", names)}");
        try { return LanguagePrimitives.ConvertTo<ulong>(v); }
        catch (PSInvalidCastException) { throw new ArgumentException($"piece {i}: {names[0]} \"{v}\" is not a size in bytes"); }
    }
}
