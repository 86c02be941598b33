using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>What <see cref="DevnetChain.WriteSyntheticCar"/> wrote.</summary>
public sealed record SyntheticCarResult(IReadOnlyList<Cid> Roots, long HeadHeight, long Blocks, long Bytes, long Headers);
