using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Core.Snapshot;

/// <summary>What was written.</summary>
public sealed record SnapshotResult(TipSet TipSet, IReadOnlyList<Cid> Roots, long Bytes, long Blocks, long Headers);
