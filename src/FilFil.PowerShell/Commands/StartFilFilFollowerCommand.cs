using System.Management.Automation;
using System.Security;
using FilFil.Core.Chain;
using FilFil.Core.Store;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Start-FilFilFollower: follows a Lotus node's head (Filecoin.ChainNotify over WebSocket) in this process, keeping
/// the session engine's window of state and messages in memory. It returns once the first head is applied; the
/// follower keeps running (reconnecting with backoff) until Stop-FilFilFollower.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "FilFilFollower", DefaultParameterSetName = "Url", SupportsShouldProcess = true)]
[OutputType(typeof(FollowerStatus))]
public sealed class StartFilFilFollowerCommand : FilFilCmdlet
{
    /// <summary>The node's JSON-RPC WebSocket endpoint, e.g. ws://127.0.0.1:1234/rpc/v1.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Url")] public Uri? Lotus { get; set; }
    /// <summary>A devnet from Start-FilFilDevnet (its endpoint and token).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Devnet")] public DevnetInfo? Devnet { get; set; }
    /// <summary>API token (Lotus: $LOTUS_PATH/token), a SecureString or a plain string; read access needs none.</summary>
    [Parameter, SecureStringTransformation] public SecureString? Token { get; set; }
    /// <summary>N: state and messages kept for heights in (H-N, H]; at least 900 (Lotus's export minimum).</summary>
    [Parameter, ValidateRange(FollowerRun.MinRecentStateRoots, 1_000_000)] public int RecentStateRoots { get; set; } = 2000;
    /// <summary>Also keep every height's messages back to genesis, so snapshots can leave out -SkipOldMessages.</summary>
    [Parameter] public SwitchParameter KeepAllMessages { get; set; }
    /// <summary>Load this snapshot first, then catch up from its head (restart after a crash = the last snapshot).</summary>
    [Parameter] public string? Bootstrap { get; set; }
    /// <summary>How long to wait for the first head (default 10 minutes).</summary>
    [Parameter] public TimeSpan Timeout { get; set; } = FollowerRun.DefaultFirstHeadTimeout;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var endpoint = Devnet is not null ? new Uri(Devnet.Endpoint) : Lotus!;
        string? token = SecureStringTransformationAttribute.Reveal(Token) ?? Devnet?.Token;
        if (!ShouldProcess(endpoint.ToString(), "Follow the node's head")) return;
        TryRun(endpoint, () =>
        {
            FollowerRun.CheckEndpoint(endpoint);
            FilFilSession.Current.EnsureNoFollowerRunning();
            string? bootstrap = Bootstrap is null ? null : GetUnresolvedProviderPathFromPSPath(Bootstrap);
            var existing = bootstrap is null ? ReusableEngine() : null;
            FollowerStatus status;
            string stage = bootstrap is not null ? $"importing {bootstrap}" : $"following {endpoint}"; // for a block's error
            try
            {
                status = RunEngine("Start-FilFilFollower", endpoint.ToString(), 0, (_, ct) =>
                {
                    var engine = bootstrap is not null ? ChainLoader.Import(bootstrap, RecentStateRoots, KeepAllMessages, ct)
                        : existing ?? new ChainStore(ChainLoader.Options(RecentStateRoots, KeepAllMessages));
                    stage = $"following {endpoint}";
                    var run = FilFilSession.Current.StartFollower(engine, endpoint, token, Timeout, ct);
                    return FollowerStatus.From(run, engine.Head?.Height);
                });
            }
            catch (Exception e) when (ErrorMapping.Unwrap(e) is BlockUnavailableException bad)
            {
                // the target is the block the node keeps failing (or a -Bootstrap snapshot lacks); the message names the node (or the file)
                WriteError(BlockErrorRecord(bad, stage));
                return;
            }
            WriteObject(status);
        });
    }

    /// <summary>
    /// The session's engine if the follower can continue it (its window is a follower's, and it keeps all messages
    /// when -KeepAllMessages asks for that); otherwise null, and the follower starts a new engine from the node.
    /// </summary>
    private ChainStore? ReusableEngine()
    {
        if (FilFilSession.Current.ChainStore is not { } engine) return null;
        if (engine.Options.RecentStateRoots < FollowerRun.MinRecentStateRoots)
            WriteVerbose($"the session's engine keeps {engine.Options.RecentStateRoots} heights, fewer than a follower's {FollowerRun.MinRecentStateRoots}: starting a new one");
        else if (KeepAllMessages && !engine.Options.KeepAllMessages)
            WriteVerbose("the session's engine does not keep all messages: starting a new one that does (-KeepAllMessages)");
        else return engine;
        return null;
    }
}
