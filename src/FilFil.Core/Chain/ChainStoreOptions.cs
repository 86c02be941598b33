namespace FilFil.Core.Chain;

/// <summary>Window policy of a <see cref="ChainStore"/>.</summary>
public sealed record ChainStoreOptions
{
    /// <summary>N: state (and messages) are held for heights in (H-N, H]; Lotus/Forest services use 2000, at least 900.</summary>
    public int RecentStateRoots { get; init; } = 2000;

    /// <summary>K: extra heights held below the window, and reverted tipsets whose roots stay linked, so reorgs within K refetch nothing.</summary>
    public int ReorgDepth { get; init; } = 10;

    /// <summary>Keep every tipset's messages back to genesis (snapshots without skip-old-messages). Off by default.</summary>
    public bool KeepAllMessages { get; init; }

    /// <summary>Most blocks fetched at once while linking a frontier.</summary>
    public int MaxConcurrentFetches { get; init; } = 64;

    /// <summary>
    /// Threads an import uses: hash verification runs on the others while sections are read, and the link scan of
    /// each breadth-first level is split among all of them. 0 (default): every processor; 1: one thread. The engine's
    /// contents and an import's errors are the same for every value.
    /// </summary>
    public int ImportParallelism { get; init; }

    /// <summary>
    /// Most section bytes an import hands to one thread at a time (default: a whole read buffer, about 1 MiB). Tests
    /// make it small so that small files are cut into many runs processed at once.
    /// </summary>
    internal int ImportRunBytes { get; init; } = int.MaxValue;

    internal int EffectiveImportParallelism => ImportParallelism == 0 ? Environment.ProcessorCount : ImportParallelism;

    internal void Validate()
    {
        if (ImportRunBytes < 1) throw new ArgumentOutOfRangeException(nameof(ImportRunBytes), ImportRunBytes, "must be 1 or more");
        if (ImportParallelism < 0) throw new ArgumentOutOfRangeException(nameof(ImportParallelism), ImportParallelism, "must be 0 (every processor) or more");
        if (RecentStateRoots < 0) throw new ArgumentOutOfRangeException(nameof(RecentStateRoots), RecentStateRoots, "must be 0 or more");
        if (ReorgDepth < 0) throw new ArgumentOutOfRangeException(nameof(ReorgDepth), ReorgDepth, "must be 0 or more");
    }
}
