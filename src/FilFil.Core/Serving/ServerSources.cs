using FilFil.Core.Chain;
using FilFil.Core.Snapshot;

namespace FilFil.Core.Serving;

/// <summary>
/// What the server serves, asked on every request so a session can swap them: the engine whose block store
/// <c>/ipfs/</c> reads (null: none loaded), the snapshots taken or imported (their files and pieces), and the
/// follower's lag in epochs for <c>/healthz</c> (null: no follower).
/// </summary>
public sealed record ServerSources(Func<ChainStore?> ChainStore, Func<IReadOnlyList<SnapshotRecord>> Snapshots, Func<long?>? FollowerLag = null);
