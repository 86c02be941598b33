namespace FilFil.Core.Lotus;

/// <summary>
/// The WebSocket to the node closed (or failed); pending calls and channels end with this. An <see cref="IOException"/>:
/// a transport failure, which reads do not retry on the same connection (the follower reconnects).
/// </summary>
public sealed class LotusConnectionLostException(string message, Exception? inner = null) : IOException(message, inner);
