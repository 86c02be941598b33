namespace FilFil.Core.Chain;

public sealed record BeaconEntry(ulong Round, byte[] Data);
