namespace FilFil.Core.Store;

/// <summary>One block of a run for <see cref="BlockStore.InsertRun"/>: a CID and its data, back to back from <c>Start</c> (a CAR section without its length).</summary>
internal readonly record struct RunBlock(int Start, int CidLength, int DataLength);
