using FilFil.Core.Ipld;

namespace FilFil.Core.Car;

/// <summary>What a full pass over a CAR file found (Test-FilFilCar).</summary>
public sealed class CarReport
{
    public required string Path { get; init; }
    public required IReadOnlyList<Cid> Roots { get; init; }
    public int ContainerVersion { get; init; }
    public bool Compressed { get; init; }
    /// <summary>FRC-0108 v2 metadata when the single root is one; its HeadTipsetKey are the chain roots.</summary>
    public SnapshotMetadata? Metadata { get; init; }
    public long Blocks { get; init; }
    /// <summary>Payload bytes (CARv1 header and sections, uncompressed).</summary>
    public long PayloadBytes { get; init; }
    /// <summary>Sum of block data bytes.</summary>
    public long BlockBytes { get; init; }
    public required IReadOnlyDictionary<string, long> Codecs { get; init; }
    public required IReadOnlyDictionary<string, long> HashFunctions { get; init; }
    public long HashesVerified { get; init; }
    public long HashesUnverifiable { get; init; }
    /// <summary>CIDs whose bytes did not hash to them (first 100).</summary>
    public required IReadOnlyList<Cid> HashFailures { get; init; }
    public long HashFailureCount { get; init; }
    /// <summary>Decoded block headers among the roots (the head tipset), with their heights.</summary>
    public required IReadOnlyList<RootHeader> RootHeaders { get; init; }
    public long? MinHeaderHeight { get; init; }
    public long? MaxHeaderHeight { get; init; }
    public long HeaderCount { get; init; }
    public bool Valid => HashFailureCount == 0;
}
