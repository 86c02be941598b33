using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace FilFil.Devnet.Tests;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ServesHeadOverWebSocket()
    {
        await using var server = await DevnetServer.StartAsync(new DevnetOptions { StateBlocks = 300 });
        server.Chain.Advance(5);
        await using var c = await RawLotusClient.ConnectAsync(server.Endpoint);
        var head = await c.CallAsync("Filecoin.ChainHead");
        output.WriteLine(head.GetRawText()[..Math.Min(3000, head.GetRawText().Length)]);
        Assert.Equal(server.Chain.Head.Height, head.GetProperty("Height").GetInt64());
    }
}
