using FilFil.Core.Serving;

namespace FilFil.PowerShell;

/// <summary>Start-/Get-/Stop-FilFilServer output.</summary>
public sealed class ServerStatus
{
    public required string Prefix { get; init; }
    public bool Running { get; init; }
    /// <summary>False when the prefix listens beyond this machine.</summary>
    public bool Loopback { get; init; }
    public string[] Roots { get; init; } = [];
    public DateTimeOffset? Started { get; init; }
    public long Requests { get; init; }
    public long BytesSent { get; init; }
    public int ActiveRequests { get; init; }
    /// <summary>Requests turned away with 503 because the in-flight limit was reached.</summary>
    public long Rejected { get; init; }
    public long MaxCarBytes { get; init; }

    internal static ServerStatus From(SnapshotServer s) => new()
    {
        Prefix = s.Prefix, Running = s.IsListening, Loopback = s.Options.IsLoopback, Roots = s.Options.Roots.ToArray(),
        Started = s.StartedAt, Requests = s.Requests, BytesSent = s.BytesSent, ActiveRequests = s.ActiveRequests,
        Rejected = s.Rejected, MaxCarBytes = s.Options.MaxCarBytes,
    };
}
