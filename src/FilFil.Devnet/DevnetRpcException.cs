namespace FilFil.Devnet;

/// <summary>An error an RPC method returns to the caller (JSON-RPC code 1, message as Lotus words it).</summary>
public sealed class DevnetRpcException(string message) : Exception(message);
