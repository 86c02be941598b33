using FilFil.Core.Chain;

namespace FilFil.Core.Snapshot;

/// <summary>What to write.</summary>
public sealed record SnapshotOptions
{
    /// <summary>The tipset to snapshot (null: the engine's head).</summary>
    public TipSet? TipSet { get; init; }
    /// <summary>N, Lotus's <c>--recent-stateroots</c>: state for heights in (H-N, H] plus genesis (0: genesis state only).</summary>
    public long RecentStateRoots { get; init; }
    /// <summary>Lotus's <c>--skip-old-msgs</c>: messages only for heights in (H-N, H].</summary>
    public bool SkipOldMessages { get; init; }
    public SnapshotFormat Format { get; init; } = SnapshotFormat.V1;
}
