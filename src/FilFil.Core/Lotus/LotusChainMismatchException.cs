namespace FilFil.Core.Lotus;

/// <summary>
/// The node serves another chain than the engine holds (a different genesis): following it would mix two chains, so
/// the follower stops with this fault instead of reconnecting.
/// </summary>
public sealed class LotusChainMismatchException(string message) : InvalidOperationException(message);
