namespace FilFil.Core.Car;

/// <summary>
/// The files of a split snapshot, opened one after the other by the <see cref="CarSectionSink"/>'s writer thread.
/// </summary>
internal interface IPieceFiles
{
    /// <summary>Ends the current piece's file (if any) and opens the next one.</summary>
    Stream StartPiece();
    /// <summary>Ends the last piece's file.</summary>
    void EndPieces();
}
