using FilFil.Core.Car;

namespace FilFil.PowerShell;

/// <summary>Output of Test-FilFilCar: what one full pass over a CAR file found.</summary>
public sealed class CarTestResult
{
    /// <summary>Full path of the file.</summary>
    public required string Path { get; init; }
    /// <summary>CIDs in the CAR header (for an FRC-0108 v2 snapshot: the metadata block).</summary>
    public required string[] Roots { get; init; }
    /// <summary>The head tipset: the header roots, or for FRC-0108 v2 the metadata's HeadTipsetKey.</summary>
    public required string[] HeadTipset { get; init; }
    /// <summary>Number of blocks (sections).</summary>
    public long Blocks { get; init; }
    /// <summary>CARv1 payload bytes (header and sections, uncompressed).</summary>
    public long Bytes { get; init; }
    /// <summary>Sum of the block data bytes.</summary>
    public long BlockBytes { get; init; }
    /// <summary>Blocks per codec name (dag-cbor, raw, ...).</summary>
    public required IReadOnlyDictionary<string, long> Codecs { get; init; }
    /// <summary>Blocks per multihash function name (blake2b-256, sha2-256, identity, ...).</summary>
    public required IReadOnlyDictionary<string, long> HashFunctions { get; init; }
    /// <summary>Whether block hashes were checked (false with -SkipHashCheck).</summary>
    public bool Verified { get; init; }
    /// <summary>Blocks whose hash was recomputed and compared.</summary>
    public long HashesChecked { get; init; }
    /// <summary>Blocks whose hash function cannot be verified here (counted, not failed).</summary>
    public long HashesUnverifiable { get; init; }
    /// <summary>Number of blocks whose bytes do not hash to their CID.</summary>
    public long HashFailures { get; init; }
    /// <summary>The first (up to 100) CIDs that failed their hash check.</summary>
    public required string[] FirstHashFailures { get; init; }
    /// <summary>The file was zstd-compressed.</summary>
    public bool Compressed { get; init; }
    /// <summary>"CARv1" or "CARv2" (container).</summary>
    public required string ContainerVersion { get; init; }
    /// <summary>"V1" (roots are the head tipset) or "FRC-0108 V2" (root is snapshot metadata).</summary>
    public required string Format { get; init; }
    /// <summary>Highest height among the head tipset's block headers found in the file, or null.</summary>
    public long? HeadHeight { get; init; }
    /// <summary>Lowest block-header height in the file, or null when it has no headers.</summary>
    public long? MinHeight { get; init; }
    /// <summary>Highest block-header height in the file, or null when it has no headers.</summary>
    public long? MaxHeight { get; init; }
    /// <summary>Block-header heights as "min..max" (empty without headers).</summary>
    public string Heights => MinHeight is null ? "" : $"{MinHeight}..{MaxHeight}";
    /// <summary>Number of block headers in the file.</summary>
    public long Headers { get; init; }
    /// <summary>The file parsed completely and no block failed its hash check.</summary>
    public bool Valid { get; init; }

    /// <summary>Builds the output from an engine report.</summary>
    public static CarTestResult From(CarReport r, bool verified) => new()
    {
        Path = r.Path,
        Roots = r.Roots.Select(c => c.ToString()).ToArray(),
        HeadTipset = (r.Metadata?.HeadTipsetKey ?? r.Roots).Select(c => c.ToString()).ToArray(),
        Blocks = r.Blocks,
        Bytes = r.PayloadBytes,
        BlockBytes = r.BlockBytes,
        Codecs = r.Codecs,
        HashFunctions = r.HashFunctions,
        Verified = verified,
        HashesChecked = r.HashesVerified + r.HashFailureCount,
        HashesUnverifiable = r.HashesUnverifiable,
        HashFailures = r.HashFailureCount,
        FirstHashFailures = r.HashFailures.Select(c => c.ToString()).ToArray(),
        Compressed = r.Compressed,
        ContainerVersion = r.ContainerVersion == 2 ? "CARv2" : "CARv1",
        Format = r.Metadata is null ? "V1" : "FRC-0108 V2",
        HeadHeight = r.RootHeaders.Count == 0 ? null : r.RootHeaders.Max(h => h.Height),
        MinHeight = r.MinHeaderHeight,
        MaxHeight = r.MaxHeaderHeight,
        Headers = r.HeaderCount,
        Valid = r.Valid,
    };

    /// <summary>"Path: N blocks, valid|invalid".</summary>
    public override string ToString() => $"{Path}: {Blocks} blocks, {(Valid ? "valid" : $"{HashFailures} hash failures")}";
}
