namespace FilFil.Core.Lotus;

/// <summary>An error object returned by the Lotus node.</summary>
public sealed class LotusRpcException(string method, long code, string message)
    : Exception($"{method} failed: {message} (code {code})")
{
    public string Method { get; } = method;
    public long Code { get; } = code;
}
