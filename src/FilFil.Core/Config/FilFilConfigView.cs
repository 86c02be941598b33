namespace FilFil.Core.Config;

/// <summary>
/// What Get-FilFilConfig shows: the effective settings (file, then environment overrides), with the secrets
/// reduced to whether they are set, the file they came from and which settings the environment overrode.
/// </summary>
public sealed record FilFilConfigView(
    string? RpcUrl,
    bool RpcTokenSet,
    string? Contract,
    string? Keystore,
    bool KeystorePasswordSet,
    string? DealBackend,
    string? DealEndpoint,
    string? Miner,
    string Path,
    IReadOnlyList<string> EnvironmentOverrides);
