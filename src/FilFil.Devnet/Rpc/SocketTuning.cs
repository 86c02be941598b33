using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace FilFil.Devnet.Rpc;

/// <summary>
/// Turns Nagle's algorithm off on the managed (Linux/macOS) HttpListener's connection socket. go-jsonrpc writes a
/// response and channel notifications back to back; with Nagle on, the second small write waits for the client's
/// delayed ACK (~40 ms). HttpListener has no public knob, so this reaches its private HttpConnection._socket; on other
/// implementations (http.sys on Windows) it does nothing.
/// </summary>
internal static class SocketTuning
{
    private static readonly FieldInfo? ConnectionField = typeof(HttpListenerContext).GetField("_connection", BindingFlags.NonPublic | BindingFlags.Instance);
    private static FieldInfo? _socketField;

    public static bool TrySetNoDelay(HttpListenerContext ctx)
    {
        try
        {
            var conn = ConnectionField?.GetValue(ctx);
            if (conn is null) return false;
            _socketField ??= conn.GetType().GetField("_socket", BindingFlags.NonPublic | BindingFlags.Instance);
            if (_socketField?.GetValue(conn) is not Socket s) return false;
            s.NoDelay = true;
            return true;
        }
        catch (Exception e) when (e is FieldAccessException or TargetException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
