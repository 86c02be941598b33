using System.Net;
using System.Net.Sockets;

namespace FilFil.Core.Serving;

/// <summary>
/// Starts and stops the <see cref="HttpListener"/> of the servers FilFil runs (the snapshot HTTP server, the devnet's
/// JSON-RPC server), working around a race of the managed HttpListener (Linux and macOS, .NET 8-10): its endpoint
/// listener accepts in its constructor, before its lock object exists, so a client that connects at that moment makes
/// it throw <see cref="ArgumentNullException"/>, and the socket it bound stays open, unreachable, until the GC
/// finalizes it (the next start on that port fails with "Address already in use"). <c>Start()</c> creates an endpoint
/// listener, and so does <c>Close()</c> after <c>Stop()</c> (it looks the prefixes up again to remove them, binding
/// the port for a moment). A client reconnecting while a server restarts on its port (a follower, a Boost or Curio
/// fetching pieces) triggers both.
/// </summary>
internal static class HttpListenerLifetime
{
    /// <summary>Starts tried again after the start race.</summary>
    public const int StartRaceRetries = 20;

    /// <summary>
    /// Starts a listener on <paramref name="prefix"/> (<paramref name="configure"/> sets it up first). After the start
    /// race it finalizes the leaked socket and starts again, up to <see cref="StartRaceRetries"/> times; any other
    /// failure (the port is taken, a bad prefix) is thrown with the listener closed.
    /// </summary>
    public static HttpListener Start(string prefix, Action<HttpListener>? configure = null)
    {
        bool sawStartRace = false;
        for (int attempt = 0; ; attempt++)
        {
            var listener = new HttpListener();
            try
            {
                configure?.Invoke(listener);
                listener.Prefixes.Add(prefix);
                listener.Start();
                return listener;
            }
            catch (Exception e) when (attempt < StartRaceRetries && (e is ArgumentNullException || (e is HttpListenerException && sawStartRace)))
            {
                // "Address already in use" right after the race is the leaked socket of the failed start
                sawStartRace = true;
                listener.Close();
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            catch
            {
                listener.Close();
                throw;
            }
        }
    }

    /// <summary>
    /// Stops <paramref name="listener"/>: it accepts nothing more and its port is released. It is not closed after:
    /// <c>Close()</c> after <c>Stop()</c> binds the port again for a moment, which the start race turns into a leaked
    /// socket (and an <see cref="ArgumentNullException"/> from <c>Close()</c>). A stopped listener holds no socket.
    /// </summary>
    public static void Stop(HttpListener listener)
    {
        try
        {
            if (listener.IsListening) listener.Stop();
        }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Starts a listener on a free loopback port, <paramref name="prefixFor"/> giving the prefix for a port; a port
    /// another process takes between the choice and the start is replaced by another (10 tries).
    /// </summary>
    public static HttpListener StartOnFreePort(Func<int, string> prefixFor, out int port, Action<HttpListener>? configure = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            port = FreePort();
            try { return Start(prefixFor(port), configure); }
            catch (HttpListenerException) when (attempt < 10) { }
        }
    }

    /// <summary>A loopback TCP port free at the time of the call.</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int p = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return p;
    }
}
