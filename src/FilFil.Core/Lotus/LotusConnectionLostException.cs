namespace FilFil.Core.Lotus;

/// <summary>The WebSocket to the node closed (or failed); pending calls and channels end with this.</summary>
public sealed class LotusConnectionLostException(string message, Exception? inner = null) : Exception(message, inner);
