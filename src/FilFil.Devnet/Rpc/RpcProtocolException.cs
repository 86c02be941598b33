namespace FilFil.Devnet.Rpc;

/// <summary>A go-jsonrpc protocol error (parse, unknown method, bad params) with its code and message text.</summary>
internal sealed class RpcProtocolException(int code, string message) : Exception(message)
{
    public const int ParseError = -32700, InvalidRequest = -32600, MethodNotFound = -32601, InvalidParams = -32602, InternalError = -32603;
    public int Code { get; } = code;
}
