using System.Management.Automation;
using System.Net;
using FilFil.Core.Serving;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// Start-FilFilServer: serves, in this process until Stop-FilFilServer, the catalog's pieces (/piece/{cid}) and
/// snapshot files (/snapshots), the session engine's blocks (/ipfs/{cid}) and /healthz over HTTP (read-only).
/// Loopback by default; any other prefix is an explicit choice and is warned about.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "FilFilServer", SupportsShouldProcess = true)]
[OutputType(typeof(ServerStatus))]
public sealed class StartFilFilServerCommand : FilFilCmdlet
{
    /// <summary>HttpListener prefix, e.g. http://127.0.0.1:8080/ (default) or http://+:8080/ for every interface and host name.</summary>
    [Parameter(Position = 0)] public string Prefix { get; set; } = ServerOptions.DefaultPrefix;
    /// <summary>Directories whose *.car and *.car.zst files are also served by name under /snapshots/.</summary>
    [Parameter] public string[] Root { get; set; } = [];
    /// <summary>Largest CAR one /ipfs/{cid}?format=car request may produce (default 64 MiB).</summary>
    [Parameter, ValidateRange(1L, long.MaxValue)] public long MaxCarBytes { get; set; } = new ServerOptions().MaxCarBytes;
    /// <summary>Requests handled at once; more get 503 (default 64).</summary>
    [Parameter, ValidateRange(1, 100_000)] public int MaxConcurrentRequests { get; set; } = new ServerOptions().MaxConcurrentRequests;

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (!ShouldProcess(Prefix, "Start serving snapshots over HTTP")) return;
        var roots = Root.Select(GetUnresolvedProviderPathFromPSPath).ToArray();
        var defaults = new ServerOptions();
        // a small -MaxConcurrentRequests keeps a quarter (at most the default 8) for small requests, the rest for downloads
        var options = defaults with
        {
            Prefix = Prefix, Roots = roots, MaxCarBytes = MaxCarBytes, MaxConcurrentRequests = MaxConcurrentRequests,
            ReservedForSmallRequests = Math.Min(defaults.ReservedForSmallRequests, MaxConcurrentRequests / 4),
        };
        try
        {
            var server = FilFilSession.Current.StartServer(options);
            if (!options.IsLoopback) WriteWarning($"serving on {Prefix}, which is not a loopback address: other machines can reach it");
            WriteObject(ServerStatus.From(server));
        }
        catch (HttpListenerException e)
        {
            WriteError(new ErrorRecord(e, "ListenFailed", ErrorCategory.ResourceUnavailable, Prefix)
            {
                ErrorDetails = new ErrorDetails($"cannot listen on {Prefix}: {e.Message} (is the port taken?)"),
            });
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
        {
            WriteError(e, Prefix);
        }
    }
}
