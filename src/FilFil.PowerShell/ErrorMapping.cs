using System.Management.Automation;
using FilFil.Core;

namespace FilFil.PowerShell;

/// <summary>Maps engine exceptions to PowerShell error categories and short problem names used in ErrorIds.</summary>
public static class ErrorMapping
{
    /// <summary>
    /// The category and problem name for <paramref name="e"/>. <paramref name="ioCategory"/> is used for other
    /// <see cref="IOException"/>s (ReadError for readers, WriteError for writers).
    /// </summary>
    public static (ErrorCategory Category, string Problem) Classify(Exception e, ErrorCategory ioCategory = ErrorCategory.ReadError) => e switch
    {
        FilFilFormatException => (ErrorCategory.InvalidData, "FormatError"),
        InvalidDataException or FormatException => (ErrorCategory.InvalidData, "InvalidData"),
        FileNotFoundException => (ErrorCategory.ObjectNotFound, "FileNotFound"),
        FilFil.Core.Snapshot.FileExistsException => (ErrorCategory.ResourceExists, "AlreadyExists"),
        DirectoryNotFoundException => (ErrorCategory.ObjectNotFound, "DirectoryNotFound"),
        ItemNotFoundException => (ErrorCategory.ObjectNotFound, "NotFound"),
        FilFil.Core.Store.BlockUnavailableException { Problem: FilFil.Core.Store.BlockProblem.Undecodable } => (ErrorCategory.InvalidData, "BlockUndecodable"),
        FilFil.Core.Store.BlockUnavailableException { Corrupt: true } => (ErrorCategory.InvalidData, "BlockCorrupt"),
        FilFil.Core.Store.BlockUnavailableException => (ErrorCategory.ObjectNotFound, "BlockUnavailable"),
        UnauthorizedAccessException => (ErrorCategory.PermissionDenied, "AccessDenied"),
        OperationCanceledException => (ErrorCategory.OperationStopped, "Canceled"),
        TimeoutException => (ErrorCategory.OperationTimeout, "Timeout"),
        FollowerRunningException => (ErrorCategory.InvalidOperation, "FollowerRunning"),
        FilFil.Core.Lotus.LotusMethodFailedException or FilFil.Core.Lotus.LotusRpcException => (ErrorCategory.ReadError, "NodeMethodFailed"),
        DealClient.SlotPublishedException => (ErrorCategory.ResourceExists, "AlreadyPublished"),
        FilFil.DealClient.Deals.LocalPieceMismatchException => (ErrorCategory.InvalidData, "PieceCidMismatch"),
        FilFil.DealClient.Curio.CurioMarketException { StatusCode: null } => (ErrorCategory.ConnectionError, "CurioUnreachable"),
        FilFil.DealClient.Curio.CurioMarketException => (ErrorCategory.InvalidResult, "CurioRejected"),
        FilFil.DealClient.Ethereum.ContractRevertException => (ErrorCategory.InvalidOperation, "ContractReverted"),
        FilFil.DealClient.Ethereum.KeystoreException => (ErrorCategory.AuthenticationError, "KeystoreError"),
        Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException => (ErrorCategory.ConnectionError, "ConnectionError"),
        Nethereum.JsonRpc.Client.RpcResponseException => (ErrorCategory.InvalidResult, "RpcError"),
        InvalidOperationException => (ErrorCategory.InvalidOperation, "InvalidOperation"),
        FilFil.Core.Lotus.LotusConnectionLostException or System.Net.WebSockets.WebSocketException or System.Net.Http.HttpRequestException => (ErrorCategory.ConnectionError, "ConnectionError"),
        // a port in use (or a prefix HttpListener cannot take): what Start-FilFilServer reports as ListenFailed
        System.Net.HttpListenerException or System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
            => (ErrorCategory.ResourceUnavailable, "ListenFailed"),
        ArgumentException => (ErrorCategory.InvalidArgument, "InvalidArgument"),
        IOException => (ioCategory, ioCategory == ErrorCategory.WriteError ? "WriteError" : "ReadError"),
        _ => (ErrorCategory.NotSpecified, "UnexpectedError"),
    };

    /// <summary>
    /// The message of <paramref name="e"/> for a user: an <see cref="ArgumentException"/>'s text without the
    /// " (Parameter 'name')" suffix and "Actual value was" line, which name the engine's internal parameters.
    /// </summary>
    public static string UserMessage(Exception e)
    {
        // Nethereum says only "Error occurred when trying to send rpc requests(s): eth_call"; the reason is inside.
        if (e is Nethereum.JsonRpc.Client.RpcClientUnknownException { InnerException: { } inner }) return $"{e.Message}: {inner.Message}";
        if (e is not ArgumentException { ParamName: not null }) return e.Message;
        string m = System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*\(Parameter '[^']*'\)", "");
        return System.Text.RegularExpressions.Regex.Replace(m, @"\s*Actual value was [^\r\n]*\.?", "").Trim();
    }

    /// <summary>Unwraps AggregateException (single inner) and TargetInvocationException to the exception that matters.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a:
                    e = a.InnerExceptions[0];
                    continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                default:
                    return e;
            }
        }
    }
}
