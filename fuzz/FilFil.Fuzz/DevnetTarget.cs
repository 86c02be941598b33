using System.Text;
using System.Text.Json;
using FilFil.Devnet;
using FilFil.Devnet.Rpc;

namespace FilFil.Fuzz;

/// <summary>
/// The devnet's JSON-RPC request path as an HTTP POST body takes it (DevnetServer.HandlePostAsync): trim, parse, a
/// batch or one request, each dispatched against a small real chain. The dispatcher must never throw, every reply
/// must be one JSON value, and no reply may be the "panic in rpc method" of an exception the server did not expect.
/// </summary>
internal static class DevnetTarget
{
    // Built by the first input: under afl++ nothing instrumented may run before SharpFuzz's fork server starts.
    internal static readonly Lazy<(DevnetChain Chain, RpcDispatcher Dispatcher)> Chain = new(() =>
    {
        var chain = new DevnetChain(new DevnetOptions { Seed = 7, StateBlocks = 64, MessagesPerBlock = 2 });
        chain.Advance(4);
        return (chain, new RpcDispatcher(new RpcMethods(chain, new DevnetFaults(chain, () => { }))));
    });

    public static void Request(byte[] data)
    {
        var body = data.AsMemory().Trim(" \t\r\n"u8.ToArray());
        if (body.Length == 0) return;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException) { return; } // answered with -32700 Parse error
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
                foreach (var item in root.EnumerateArray()) Handle(item, 1);
            else
            {
                Handle(root, 1);
                Handle(root, 0);
            }
        }
    }

    private static void Handle(JsonElement req, int apiVersion)
    {
        var reply = Chain.Value.Dispatcher.HandleAsync(req, apiVersion, null, CancellationToken.None).GetAwaiter().GetResult();
        if (reply.Frame is null) return;
        using var parsed = JsonDocument.Parse(reply.Frame);
        if (parsed.RootElement.TryGetProperty("error", out var err) && err.GetProperty("message").GetString() is { } msg && msg.Contains("panic in rpc method", StringComparison.Ordinal))
            throw new FuzzFinding($"the devnet answered with an unexpected exception: {msg}");
    }
}
