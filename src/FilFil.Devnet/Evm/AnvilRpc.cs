using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;

namespace FilFil.Devnet.Evm;

/// <summary>
/// Plain JSON-RPC calls to anvil for the devnet's own set-up (balances, mining, block number). No client timeout:
/// the callers bound each call with their cancellation token (the start's overall timeout, or Ctrl-C).
/// </summary>
internal sealed class AnvilRpc(Uri url) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private int _id;

    public async Task<JsonElement> CallAsync(string method, object[] args, CancellationToken ct)
    {
        var req = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _id), method, @params = args };
        using var resp = await _http.PostAsJsonAsync(url, req, ct).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(await resp.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), default, ct).ConfigureAwait(false);
        if (doc.RootElement.TryGetProperty("error", out var err))
            throw new InvalidOperationException($"anvil {method}: {err.GetProperty("message").GetString()}");
        return doc.RootElement.GetProperty("result").Clone();
    }

    public static string Hex(BigInteger v) => "0x" + (v.IsZero ? "0" : v.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'));

    public static BigInteger Quantity(JsonElement e)
    {
        string s = e.GetString() ?? throw new FormatException("expected a hex quantity");
        if (!s.StartsWith("0x", StringComparison.Ordinal)) throw new FormatException($"expected a hex quantity, not {s}");
        return BigInteger.Parse("0" + s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    public void Dispose() => _http.Dispose();
}
