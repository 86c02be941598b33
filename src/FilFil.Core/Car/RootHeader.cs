using FilFil.Core.Ipld;

namespace FilFil.Core.Car;

public sealed record RootHeader(Cid Cid, long Height, IReadOnlyList<Cid> Parents, Cid ParentStateRoot, Cid Messages, ulong Timestamp, string Miner);
