using System.Net.Http.Headers;
using FilFil.Core;

namespace FilFil.DealClient.Curio;

/// <summary>
/// Submits deals to a storage provider's Curio market over HTTP, as Curio's own client does (curio
/// cmd/sptool/toolbox_deal_client.go doHttp): <c>POST {endpoint}/market/mk12/store</c> with
/// <c>Content-Type: application/cbor</c> and the DealParams body; Curio's handler (market/mk12/http/http.go
/// mk12deal) answers 400 for another content type or a body it cannot decode, and 200 with a CBOR DealResponse
/// otherwise. The router is mounted at <c>/market/mk12</c> (market/http/http.go).
/// </summary>
public sealed class CurioMarketClient : IDisposable
{
    /// <summary>Curio's handler reads at most 4 MiB (http.MaxBytesReader).</summary>
    public const int MaxBody = 4 << 20;

    private readonly HttpClient _http;
    private readonly bool _ownsClient;

    public CurioMarketClient(HttpClient? http = null)
    {
        _ownsClient = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>
    /// The store URL of a Curio market endpoint: <paramref name="endpoint"/> is the provider's Curio HTTP server
    /// (<c>https://domain</c>); a URL that already ends in <c>/market/mk12</c> or <c>/market/mk12/store</c> is kept.
    /// </summary>
    public static Uri StoreUrl(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"the Curio market endpoint must be an absolute http(s) URL, not \"{endpoint}\"", nameof(endpoint));
        string b = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (b.EndsWith("/market/mk12/store", StringComparison.Ordinal)) return new Uri(b);
        if (b.EndsWith("/market/mk12", StringComparison.Ordinal)) return new Uri(b + "/store");
        return new Uri(b + "/market/mk12/store");
    }

    /// <summary>
    /// Posts <paramref name="dealParams"/> (see <see cref="Mk12DealParams.Encode"/>) and returns Curio's answer.
    /// A rejection is returned (Accepted = false, with Curio's reason), not thrown.
    /// </summary>
    /// <exception cref="CurioMarketException">Unreachable, a non-200 status, or a body that is not a DealResponse.</exception>
    public async Task<Mk12DealResponse> SubmitAsync(Uri endpoint, byte[] dealParams, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dealParams);
        if (dealParams.Length > MaxBody) throw new ArgumentException($"the deal is {dealParams.Length} bytes; Curio reads at most {MaxBody}", nameof(dealParams));
        var url = StoreUrl(endpoint);
        using var content = new ByteArrayContent(dealParams);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
        HttpResponseMessage resp;
        try
        {
            resp = await _http.PostAsync(url, content, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CurioMarketException($"the Curio market at {url} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CurioMarketException($"the Curio market at {url} did not answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
        using (resp)
        {
            var body = await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            int status = (int)resp.StatusCode;
            if (status != 200)
            {
                string text = System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 512))).Trim();
                string why = status switch
                {
                    400 => "Curio could not read the deal (wrong content type or undecodable CBOR)",
                    429 => "Curio's rate limit (50 requests a second per client) was hit; retry later",
                    503 => "Curio timed out reading the request",
                    404 => "no MK12 market at this URL (is the Curio HTTP server's deal market enabled?)",
                    _ => "Curio refused the request",
                };
                throw new CurioMarketException($"{url} answered {status}: {why}{(text.Length > 0 ? $" ({text})" : "")}") { StatusCode = status };
            }
            if (body.Length == 0) throw new CurioMarketException($"{url} answered 200 with an empty body") { StatusCode = status };
            try
            {
                return Mk12DealResponse.Parse(body);
            }
            catch (FilFilFormatException e)
            {
                throw new CurioMarketException($"{url} answered 200 but not with a DealResponse: {e.Message}", e) { StatusCode = status };
            }
        }
    }

    public void Dispose()
    {
        if (_ownsClient) _http.Dispose();
    }
}
