using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using FilFil.Core.Chain;
using FilFil.Core.Config;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Set-FilFilConfig: stores settings of the paid half in the user's config file (JSON, mode 0600 on Unix). Only
/// the given parameters change. -RpcToken is stored (it is what Lotus's API needs) but never written to output or
/// logs; the keystore password is never stored (FILFIL_KEYSTORE_PASSWORD or a prompt supply it).
/// </summary>
[Cmdlet(VerbsCommon.Set, "FilFilConfig", SupportsShouldProcess = true)]
[OutputType(typeof(FilFilConfigView))]
public sealed class SetFilFilConfigCommand : FilFilCmdlet
{
    /// <summary>Ethereum JSON-RPC endpoint: Lotus http://host:1234/rpc/v1 or anvil http://127.0.0.1:8545.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RpcUrl { get; set; }

    /// <summary>Lotus API token (a SecureString, or a string converted to one).</summary>
    [Parameter]
    [SecureStringTransformation]
    public SecureString? RpcToken { get; set; }

    /// <summary>FilFilDealClient contract address: 0x… or f410….</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Contract { get; set; }

    /// <summary>Ethereum v3 keystore file of the account that signs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Keystore { get; set; }

    /// <summary>Deal software of the provider: Boost or Curio.</summary>
    [Parameter]
    [ValidateSet("Boost", "Curio")]
    public string? DealBackend { get; set; }

    /// <summary>The provider's deal endpoint (Curio market HTTP URL).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DealEndpoint { get; set; }

    /// <summary>Default miner: f01234, t01234 or 1234.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Miner { get; set; }

    /// <summary>Config file to write instead of the default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Write the resulting settings (as Get-FilFilConfig).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override ErrorCategory IOErrorCategory => ErrorCategory.WriteError;

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        string path = Path is null ? FilFilConfigFile.DefaultPath() : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        bool written = TryRun(path, () =>
        {
            var s = FilFilConfigFile.Read(path);
            var changed = new List<string>();
            if (RpcUrl != null) { s = s with { RpcUrl = FilFilConfigFile.NormalizeUrl(RpcUrl, "RPC URL") }; changed.Add("RpcUrl"); }
            if (RpcToken != null) { s = s with { RpcToken = Plain(RpcToken) }; changed.Add("RpcToken"); }
            if (Contract != null) { s = s with { Contract = FilFilConfigFile.NormalizeContract(Contract) }; changed.Add("Contract"); }
            if (Keystore != null)
            {
                var k = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Keystore);
                if (!File.Exists(k)) WriteWarning($"the keystore {k} does not exist (yet)");
                s = s with { Keystore = k };
                changed.Add("Keystore");
            }
            if (DealBackend != null) { s = s with { DealBackend = FilFilConfigFile.Backends.First(b => b.Equals(DealBackend, StringComparison.OrdinalIgnoreCase)) }; changed.Add("DealBackend"); }
            if (DealEndpoint != null) { s = s with { DealEndpoint = FilFilConfigFile.NormalizeUrl(DealEndpoint, "deal endpoint") }; changed.Add("DealEndpoint"); }
            if (Miner != null) { s = s with { Miner = FilecoinAddress.ParseMinerId(Miner) }; changed.Add("Miner"); }
            if (changed.Count > 0 && ShouldProcess(path, $"Set {string.Join(", ", changed)}")) FilFilConfigFile.Write(path, s);
        });
        if (written && PassThru)
        {
            FilFilConfigView? view = null;
            if (TryRun(path, () => view = FilFilConfigFile.View(path))) WriteObject(view);
        }
        base.EndProcessing();
    }

    private static string Plain(SecureString s)
    {
        IntPtr p = Marshal.SecureStringToGlobalAllocUnicode(s);
        try { return Marshal.PtrToStringUni(p, s.Length); }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(p); }
    }
}
