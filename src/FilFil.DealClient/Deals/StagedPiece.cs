namespace FilFil.DealClient.Deals;

/// <summary>
/// One piece of a published slot as the contract holds it (<c>pieceInfo</c>), with the provider's deal for it in
/// this window (<c>slotReplicas</c>; -1 while there is none).
/// </summary>
/// <param name="Index">The piece index within the slot (proposeDeal's <c>pieceIndex</c>).</param>
/// <param name="PieceCid">The v1 piece CID in base32 (<c>baga6ea4seaq...</c>), as the label and /piece/{cid} use it.</param>
/// <param name="PaddedSize">The padded piece size.</param>
/// <param name="CarSize">The exact CAR size the operator published (what Boost checks against Content-Length).</param>
/// <param name="DealId">The market deal recorded for this piece in the provider's window, or -1.</param>
public sealed record StagedPiece(uint Index, string PieceCid, ulong PaddedSize, ulong CarSize, long DealId);
