namespace FilFil.Devnet;

/// <summary>
/// Knobs of a devnet chain and server. Every value has a sensible default; the same options (and the same sequence of
/// <see cref="DevnetChain.Advance"/> / fault calls) give the same chain byte for byte.
/// </summary>
public sealed record DevnetOptions
{
    /// <summary>Seed of every random choice (tickets, miners, messages, state churn, null rounds, reorgs).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>"mainnet" or "calibnet": which embedded Lotus genesis CAR the chain starts from.</summary>
    public string Network { get; init; } = "mainnet";

    /// <summary>Approximate number of generated state blocks at height 1 (on top of the genesis state).</summary>
    public int StateBlocks { get; init; } = 4096;

    /// <summary>Average size in bytes of a generated actor-state block (sizes vary from half to 1.5 times this).</summary>
    public int AverageBlockSize { get; init; } = 512;

    /// <summary>Approximate number of new state blocks each tipset writes (rewritten paths, structural sharing).</summary>
    public int ChurnPerEpoch { get; init; } = 48;

    /// <summary>New actors appended to the state tree per tipset (the state grows).</summary>
    public int GrowthPerEpoch { get; init; } = 1;

    /// <summary>Messages in each block (split between BLS and secp256k1).</summary>
    public int MessagesPerBlock { get; init; } = 6;

    /// <summary>Maximum blocks per tipset; each tipset has 1..k blocks, chosen from the seed.</summary>
    public int MaxBlocksPerTipSet { get; init; } = 3;

    /// <summary>Probability that an epoch is a null round (no tipset).</summary>
    public double NullRoundRate { get; init; } = 0.05;

    /// <summary>Probability that mining an epoch also reorganises the last 1..<see cref="MaxReorgDepth"/> tipsets.</summary>
    public double ReorgRate { get; init; }

    /// <summary>Maximum depth (in tipsets) of a random reorg.</summary>
    public int MaxReorgDepth { get; init; } = 3;

    /// <summary>0 = epochs advance only on <see cref="DevnetChain.Advance"/>; &gt;0 = a background timer mines one epoch per period.</summary>
    public TimeSpan EpochDuration { get; init; } = TimeSpan.Zero;

    /// <summary>Bearer token the server requires when a token is presented; null = any token accepted. Without a token callers get read access, as Lotus.</summary>
    public string? Token { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 = a free port.</summary>
    public int Port { get; init; }

    /// <summary>Lotus's BlockDelaySecs: the header timestamp of height h is genesis timestamp + h * this.</summary>
    public int BlockDelaySeconds { get; init; } = 30;

    /// <summary>Checks every knob, naming the offending value.</summary>
    public void Validate()
    {
        if (Network is not ("mainnet" or "calibnet")) throw new ArgumentException($"Network must be \"mainnet\" or \"calibnet\", not \"{Network}\"", nameof(Network));
        if (StateBlocks < 1) throw new ArgumentOutOfRangeException(nameof(StateBlocks), StateBlocks, "must be at least 1");
        if (AverageBlockSize < 16 || AverageBlockSize > (4 << 20)) throw new ArgumentOutOfRangeException(nameof(AverageBlockSize), AverageBlockSize, "must be 16..4 MiB");
        if (ChurnPerEpoch < 0) throw new ArgumentOutOfRangeException(nameof(ChurnPerEpoch), ChurnPerEpoch, "must be >= 0");
        if (GrowthPerEpoch < 0) throw new ArgumentOutOfRangeException(nameof(GrowthPerEpoch), GrowthPerEpoch, "must be >= 0");
        if (MessagesPerBlock < 0 || MessagesPerBlock > 10000) throw new ArgumentOutOfRangeException(nameof(MessagesPerBlock), MessagesPerBlock, "must be 0..10000");
        if (MaxBlocksPerTipSet < 1 || MaxBlocksPerTipSet > 64) throw new ArgumentOutOfRangeException(nameof(MaxBlocksPerTipSet), MaxBlocksPerTipSet, "must be 1..64");
        if (!(NullRoundRate >= 0 && NullRoundRate < 1)) throw new ArgumentOutOfRangeException(nameof(NullRoundRate), NullRoundRate, "must be in [0, 1)");
        if (!(ReorgRate >= 0 && ReorgRate <= 1)) throw new ArgumentOutOfRangeException(nameof(ReorgRate), ReorgRate, "must be in [0, 1]");
        if (MaxReorgDepth < 1) throw new ArgumentOutOfRangeException(nameof(MaxReorgDepth), MaxReorgDepth, "must be at least 1");
        if (EpochDuration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(EpochDuration), EpochDuration, "must be >= 0");
        if (Port < 0 || Port > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "must be 0..65535");
        if (BlockDelaySeconds < 1) throw new ArgumentOutOfRangeException(nameof(BlockDelaySeconds), BlockDelaySeconds, "must be >= 1");
    }

    /// <summary>Address prefix of the network ('f' mainnet, 't' test networks).</summary>
    internal char AddressPrefix => Network == "mainnet" ? 'f' : 't';

    /// <summary>What Lotus's StateNetworkName returns for the network.</summary>
    internal string NetworkName => Network == "mainnet" ? "testnetnet" : "calibrationnet";
}
