using System.Net.WebSockets;
using System.Reflection;
using FilFil.Devnet.Rpc;

namespace FilFil.Fuzz;

/// <summary>
/// The devnet's WebSocket read loop (<see cref="WsConnection.RunAsync"/>): message assembly from frames and
/// fragments, the 100 MiB message cap, close frames, undecodable messages, then dispatch. The input is the byte stream
/// a client sends after the upgrade, read by .NET's server-side WebSocket (the framing is the runtime's; the loop
/// around it and what it does with each message are ours); replies are discarded. Seeds use the all-zero mask, so a
/// frame's payload is plain JSON for afl++ to mutate.
/// Findings: an exception out of the read loop, or requests still in flight 10 s after the input ended (a hang).
/// </summary>
internal static class WsTarget
{
    private static readonly FieldInfo InFlight = typeof(WsConnection).GetField("_inFlight", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("WsConnection._inFlight not found: update the ws fuzz target");

    // the server's turn-taking across connections, as DevnetServer runs it (one lane per connection)
    private static readonly FairScheduler Scheduler = new(Math.Max(2, Environment.ProcessorCount));

    // the server's bound on all connections' queued replies (one connection here, whose writes go nowhere)
    private static readonly ReplyBudget Budget = new(() => Array.Empty<WsConnection>());

    public static void Frames(byte[] data)
    {
        var (chain, dispatcher) = DevnetTarget.Chain.Value;
        WsConnection? conn = null;
        var stream = new ClientStream(data, () =>
        {
            // at the end of the input, let every request read so far finish before the connection sees the end
            var slots = (SemaphoreSlim)InFlight.GetValue(conn)!;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (slots.CurrentCount < WsConnection.MaxInFlight)
            {
                if (DateTime.UtcNow > deadline) throw new FuzzFinding($"{WsConnection.MaxInFlight - slots.CurrentCount} requests still in flight 10 s after the input ended");
                Thread.Sleep(1);
            }
        });
        var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        conn = new WsConnection(ws, dispatcher, chain, 1, Scheduler.CreateLane(), WsConnection.DefaultMaxQueuedBytes, Budget, CancellationToken.None);
        conn.RunAsync().GetAwaiter().GetResult();
        if (stream.Finding is { } f) throw f;
    }

    /// <summary>Reads the input, then waits for the connection's requests, then reports the end; writes go nowhere.</summary>
    private sealed class ClientStream(byte[] input, Action drain) : Stream
    {
        private int _pos;
        private bool _drained;
        public FuzzFinding? Finding { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_pos == input.Length && !_drained)
            {
                _drained = true;
                try { drain(); }
                catch (FuzzFinding f) { Finding = f; }
            }
            int n = Math.Min(buffer.Length, input.Length - _pos);
            input.AsSpan(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Write(byte[] buffer, int offset, int count) { }
        public override void Write(ReadOnlySpan<byte> buffer) { }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
