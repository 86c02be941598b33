using System.Collections;
using System.Text.Json;
using FilFil.Core.Chain;

namespace FilFil.Core.Config;

/// <summary>
/// The config file (JSON) in the user's config folder — $XDG_CONFIG_HOME or ~/.config on Linux and macOS,
/// %APPDATA% on Windows — at filfil/config.json, or where FILFIL_CONFIG points. Environment variables override
/// each setting for one process (scheduled tasks): FILFIL_RPC_URL, FILFIL_RPC_TOKEN, FILFIL_CONTRACT,
/// FILFIL_KEYSTORE, FILFIL_DEAL_BACKEND, FILFIL_DEAL_ENDPOINT, FILFIL_MINER; FILFIL_KEYSTORE_PASSWORD is read
/// where a keystore is opened and never stored. On Unix the file is created with mode 0600 (it may hold the token).
/// </summary>
public static class FilFilConfigFile
{
    public static readonly IReadOnlyList<string> Backends = ["Boost", "Curio"];

    private static readonly (string Setting, string Variable)[] Overrides =
    [
        ("RpcUrl", "FILFIL_RPC_URL"), ("RpcToken", "FILFIL_RPC_TOKEN"), ("Contract", "FILFIL_CONTRACT"),
        ("Keystore", "FILFIL_KEYSTORE"), ("DealBackend", "FILFIL_DEAL_BACKEND"), ("DealEndpoint", "FILFIL_DEAL_ENDPOINT"),
        ("Miner", "FILFIL_MINER"),
    ];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The config file path for this environment.</summary>
    public static string DefaultPath(IDictionary? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariables();
        if (env["FILFIL_CONFIG"] is string { Length: > 0 } explicitPath) return System.IO.Path.GetFullPath(explicitPath);
        string folder = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData)
            : env["XDG_CONFIG_HOME"] is string { Length: > 0 } xdg ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return System.IO.Path.Combine(folder, "filfil", "config.json");
    }

    /// <summary>The stored settings; empty settings when the file does not exist. A broken file is a clear error.</summary>
    public static FilFilSettings Read(string path)
    {
        if (!File.Exists(path)) return new FilFilSettings();
        try
        {
            return JsonSerializer.Deserialize<FilFilSettings>(File.ReadAllBytes(path), Json) ?? new FilFilSettings();
        }
        catch (JsonException e)
        {
            throw new FilFilFormatException("FilFil config", e.BytePositionInLine ?? 0, "a JSON object of FilFil settings", $"{path}: {e.Message}", e);
        }
    }

    /// <summary>Validates and writes the settings (atomically: a temporary file renamed over the old one).</summary>
    public static void Write(string path, FilFilSettings settings)
    {
        Validate(settings);
        var dir = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var tmp = System.IO.Path.Combine(dir, $".config.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var f = new FileStream(tmp, options)) JsonSerializer.Serialize(f, settings, Json);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The stored settings with the environment's overrides applied, and the names of those overridden.</summary>
    public static (FilFilSettings Settings, IReadOnlyList<string> Overridden) Effective(string path, IDictionary? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariables();
        var s = Read(path);
        var overridden = new List<string>();
        foreach (var (setting, variable) in Overrides)
        {
            if (env[variable] is not string { Length: > 0 } v) continue;
            overridden.Add(setting);
            s = setting switch
            {
                "RpcUrl" => s with { RpcUrl = v },
                "RpcToken" => s with { RpcToken = v },
                "Contract" => s with { Contract = v },
                "Keystore" => s with { Keystore = v },
                "DealBackend" => s with { DealBackend = v },
                "DealEndpoint" => s with { DealEndpoint = v },
                _ => s with { Miner = FilecoinAddress.ParseMinerId(v) },
            };
        }
        Validate(s);
        return (s, overridden);
    }

    /// <summary>The view Get-FilFilConfig writes: no secret in it.</summary>
    public static FilFilConfigView View(string path, IDictionary? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariables();
        var (s, overridden) = Effective(path, env);
        return new FilFilConfigView(s.RpcUrl, !string.IsNullOrEmpty(s.RpcToken), s.Contract, s.Keystore,
            env["FILFIL_KEYSTORE_PASSWORD"] is string { Length: > 0 }, s.DealBackend, s.DealEndpoint,
            s.Miner is { } m ? FilecoinAddress.FromId(m).ToString() : null, path, overridden);
    }

    /// <summary>Canonical contract address: 0x + 40 hex digits, or an f410/t410 address converted to its 0x form.</summary>
    public static string NormalizeContract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return "0x" + Convert.ToHexString(FilecoinAddress.ParseEthereumHex(t)).ToLowerInvariant();
        var a = FilecoinAddress.Parse(t);
        if (!a.HasEthereumForm || a.Protocol != Address.Delegated)
            throw new FilFilFormatException("contract address", 0, "0x and 40 hex digits, or an f410 address", $"\"{t}\"");
        return a.ToEthereumHex();
    }

    /// <summary>An absolute http(s) URL.</summary>
    public static string NormalizeUrl(string text, string what)
    {
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            throw new FilFilFormatException(what, 0, "an absolute http:// or https:// URL", $"\"{text}\"");
        return u.ToString();
    }

    private static void Validate(FilFilSettings s)
    {
        if (s.RpcUrl != null) NormalizeUrl(s.RpcUrl, "RPC URL");
        if (s.DealEndpoint != null) NormalizeUrl(s.DealEndpoint, "deal endpoint");
        if (s.Contract != null) NormalizeContract(s.Contract);
        if (s.DealBackend != null && !Backends.Contains(s.DealBackend))
            throw new FilFilFormatException("deal backend", 0, "Boost or Curio", $"\"{s.DealBackend}\"");
        if (s.Miner is > long.MaxValue) throw new FilFilFormatException("miner", 0, "an actor ID of at most 2^63-1", s.Miner.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
