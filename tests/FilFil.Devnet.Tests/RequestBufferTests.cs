using FilFil.Devnet.Rpc;
using Xunit;

namespace FilFil.Devnet.Tests;

/// <summary>
/// The devnet's request buffer (<see cref="RequestBuffer"/>): before, a doubling buffer grew from 64 to 128 MiB past
/// the 100 MiB cap and was copied on every doubling.
/// </summary>
public class RequestBufferTests
{
    [Fact]
    public void A_request_past_the_cap_is_refused_with_no_more_than_the_cap_and_one_byte_held()
    {
        const long cap = 10_000_000;
        using var b = new RequestBuffer(cap);
        var rnd = new Random(1);
        while (true)
        {
            var m = b.GetMemory();
            if (m.IsEmpty) break;
            int n = Math.Min(m.Length, rnd.Next(1, 70_000));
            b.Advance(n);
            Assert.True(b.Capacity <= cap + 1, $"{b.Capacity} bytes held for a cap of {cap}");
        }
        Assert.True(b.TooBig);
        Assert.Equal(cap + 1, b.Length);
        Assert.Equal(cap + 1, b.Capacity);
    }

    [Fact]
    public void The_bytes_come_back_in_order_across_segments_and_a_cleared_buffer_keeps_only_its_first_segment()
    {
        using var b = new RequestBuffer(100 << 20);
        var data = new byte[3_000_000];
        new Random(2).NextBytes(data);
        int at = 0;
        while (at < data.Length)
        {
            var m = b.GetMemory();
            int n = Math.Min(m.Length, Math.Min(data.Length - at, 5_000));
            data.AsSpan(at, n).CopyTo(m.Span);
            b.Advance(n);
            at += n;
        }
        Assert.False(b.TooBig);
        Assert.Equal(data, b.ToArray());
        Assert.True(b.Capacity < 2L * data.Length); // segments, not a doubling array and its copies
        b.Clear();
        Assert.Equal(0, b.Length);
        Assert.Equal(4096, b.Capacity);
        "{}"u8.CopyTo(b.GetMemory().Span);
        b.Advance(2);
        Assert.Equal("{}"u8.ToArray(), b.ToArray());
    }
}
