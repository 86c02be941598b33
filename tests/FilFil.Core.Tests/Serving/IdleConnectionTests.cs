using System.Net;
using System.Net.Sockets;
using Xunit;

namespace FilFil.Core.Tests.Serving;

/// <summary>Tests that measure the process's managed heap: they run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuringCollection
{
    public const string Name = "measures the managed heap";
}

/// <summary>
/// 1,000 idle, half-sent and slowloris connections held open while another client downloads a piece: the server keeps
/// answering and the heap grows by a few KiB per connection, not a buffer per byte (measured alone: other tests
/// running beside it would allocate on the same heap).
/// </summary>
[Collection(HeapMeasuringCollection.Name)]
public sealed class IdleConnectionTests(ServedChain chain) : IClassFixture<ServedChain>
{
    [FixtureFact]
    public async Task A_thousand_idle_connections_do_not_keep_another_client_from_a_full_piece_and_memory_stays_bounded()
    {
        await using var s = new RunningServer(chain.Sources());
        var p = chain.Pieces.Pieces[0];
        var file = File.ReadAllBytes(p.Path);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = GC.GetTotalMemory(true);
        var idle = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, s.Port);
                // a third send nothing, a third half a request line, a third headers that never end (slowloris)
                if (i % 3 == 1) await c.GetStream().WriteAsync("GET /piece/"u8.ToArray());
                if (i % 3 == 2) await c.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {s.Host}\r\nX-Slow: "));
                idle.Add(c);
            }
            for (int round = 0; round < 3; round++)
            {
                var got = await s.Client.GetByteArrayAsync($"piece/{p.PieceCidV1}");
                Assert.Equal(file, got);
                using var health = await s.Client.GetAsync("healthz");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }
            long during = GC.GetTotalMemory(true);
            // 1,000 connections on both ends of loopback in this one process: a few KiB each, not a buffer per byte
            Assert.True(during - before < 64L << 20, $"managed heap grew by {(during - before) >> 20} MiB");
            Assert.Equal(0, s.Server.Rejected);
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
    }

}
