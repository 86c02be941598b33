namespace FilFil.DealClient.Ethereum;

/// <summary>Reported while a receipt is awaited: the transaction, the head block and how long it has been.</summary>
public sealed record ReceiptProgress(string TransactionHash, ulong HeadBlock, TimeSpan Elapsed);
