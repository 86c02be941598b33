namespace FilFil.Devnet;

/// <summary>One head change: reverted tipsets (old head downward) then applied ones (lowest first), as Lotus's reorgWorker delivers them.</summary>
public sealed record DevnetHeadChange(IReadOnlyList<DevnetTipSet> Reverts, IReadOnlyList<DevnetTipSet> Applies);
