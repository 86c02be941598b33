using FilFil.Core.Piece;

namespace FilFil.Core.Snapshot;

/// <summary>
/// What <see cref="SnapshotWriter.WritePiecesAsync"/> wrote: the piece files in order, the piece commitment of each
/// (<c>Pieces[i]</c> is the commP of exactly the bytes of <c>Files[i]</c>, header included, computed as they were
/// written), and the snapshot they hold.
/// </summary>
public sealed record PiecesResult(IReadOnlyList<string> Files, IReadOnlyList<PieceInfo> Pieces, SnapshotResult Snapshot);
