using System.Text.Json.Serialization;

namespace FilFil.Core.Config;

/// <summary>
/// The paid half's settings as stored in the user's config file (JSON). Every value may be null (not set).
/// The RPC token is a secret: it is stored only when the user sets it, and never leaves through
/// <see cref="FilFilConfigView"/> (which only says whether it is set). The keystore password is never stored:
/// it comes from a prompt, a -Credential, or FILFIL_KEYSTORE_PASSWORD for scheduled tasks.
/// </summary>
public sealed record FilFilSettings
{
    [JsonPropertyName("rpcUrl")] public string? RpcUrl { get; init; }
    [JsonPropertyName("rpcToken")] public string? RpcToken { get; init; }
    [JsonPropertyName("contract")] public string? Contract { get; init; }
    [JsonPropertyName("keystore")] public string? Keystore { get; init; }
    [JsonPropertyName("dealBackend")] public string? DealBackend { get; init; }
    [JsonPropertyName("dealEndpoint")] public string? DealEndpoint { get; init; }
    [JsonPropertyName("miner")] public ulong? Miner { get; init; }

    /// <summary>Never printed: the record's generated ToString would include the token.</summary>
    public override string ToString() => "FilFilSettings";
}
