using FilFil.Core.Car;
using FilFil.Core.Ipld;
using Xunit;

namespace FilFil.Core.Tests.Car;

public class CarSectionSinkTests
{
    private static List<(Cid Cid, byte[] Data)> Blocks(int count, int maxSize, int seed)
    {
        var rnd = new Random(seed);
        var list = new List<(Cid, byte[])>();
        for (int i = 0; i < count; i++)
        {
            var d = new byte[rnd.Next(0, maxSize)];
            rnd.NextBytes(d);
            list.Add((Cid.Create(Multicodec.Raw, Multicodec.Blake2b256, Hashing.Blake2b256(d)), d));
        }
        return list;
    }

    [Fact]
    public void Writes_the_same_bytes_as_CarWriter_including_sections_larger_than_a_buffer()
    {
        var blocks = Blocks(300, 5000, 1);
        blocks.Insert(150, (blocks[0].Cid, new byte[20_000])); // bigger than the 4 KiB test buffer
        var roots = new[] { blocks[0].Cid };
        var expected = new MemoryStream();
        using (var w = new CarWriter(expected, roots, leaveOpen: true))
            foreach (var (c, d) in blocks) w.Write(c, d);
        var actual = new MemoryStream();
        long bytes;
        using (var sink = new CarSectionSink(actual, bufferSize: 4096))
        {
            sink.WriteHeader(roots);
            foreach (var (c, d) in blocks) sink.WriteSection(c.Bytes, d);
            sink.Complete();
            bytes = sink.BytesWritten;
            Assert.Equal(blocks.Count, sink.BlocksWritten);
        }
        Assert.Equal(expected.ToArray(), actual.ToArray());
        Assert.Equal(expected.Length, bytes);
    }

    [Fact]
    public void A_failing_stream_surfaces_its_error()
    {
        var blocks = Blocks(200, 3000, 2);
        using var sink = new CarSectionSink(new FailingStream(), bufferSize: 4096);
        var e = Assert.Throws<IOException>(() =>
        {
            sink.WriteHeader(new[] { blocks[0].Cid });
            foreach (var (c, d) in blocks) sink.WriteSection(c.Bytes, d);
            sink.Complete();
        });
        Assert.Equal("disk full", e.Message);
    }

    [Fact]
    public void Writeback_wrapper_passes_every_byte_through_across_several_writeback_windows()
    {
        var data = new byte[20 << 20];
        new Random(3).NextBytes(data);
        string path = Path.Combine(Path.GetTempPath(), $"filfil-wb-{Guid.NewGuid():N}");
        try
        {
            using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                var wb = new WritebackFileStream(fs);
                for (int o = 0; o < data.Length; o += 700_001) wb.Write(data, o, Math.Min(700_001, data.Length - o));
                wb.Write(new byte[] { 7 }.AsSpan());
                Assert.Equal(data.Length + 1, wb.Position);
                fs.Flush(flushToDisk: true);
            }
            var back = File.ReadAllBytes(path);
            Assert.Equal(data.Length + 1, back.Length);
            Assert.True(back.AsSpan(0, data.Length).SequenceEqual(data));
            Assert.Equal(7, back[^1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0)]  // a fast stream
    [InlineData(2)]  // a stream that sleeps on every write: the hasher runs ahead of it through the free buffers
    public void With_a_hasher_both_consumers_see_every_byte_in_order(int sleepMs)
    {
        var blocks = Blocks(2000, 3000, 4);
        blocks.Insert(1000, (blocks[0].Cid, new byte[50_000])); // a section bigger than the buffer, not pooled
        var roots = new[] { blocks[0].Cid };
        var expected = new MemoryStream();
        using (var w = new CarWriter(expected, roots, leaveOpen: true))
            foreach (var (c, d) in blocks) w.Write(c, d);
        var actual = new SlowStream(sleepMs);
        using var hasher = new FilFil.Core.Piece.CommPHasher(1);
        using (var sink = new CarSectionSink(actual, hasher, bufferSize: 16384))
        {
            sink.WriteHeader(roots);
            foreach (var (c, d) in blocks) sink.WriteSection(c.Bytes, d);
            sink.Complete();
            Assert.Equal(expected.Length, sink.BytesWritten);
        }
        Assert.Equal(expected.ToArray(), actual.ToArray());
        Assert.Equal(FilFil.Core.Piece.PieceCommitment.Compute(expected.ToArray()), hasher.Finish());
    }

    [Fact]
    public void With_a_hasher_a_failing_stream_still_surfaces_its_error()
    {
        var blocks = Blocks(200, 3000, 2);
        using var hasher = new FilFil.Core.Piece.CommPHasher(1);
        using var sink = new CarSectionSink(new FailingStream(), hasher, bufferSize: 4096);
        var e = Assert.Throws<IOException>(() =>
        {
            sink.WriteHeader(new[] { blocks[0].Cid });
            foreach (var (c, d) in blocks) sink.WriteSection(c.Bytes, d);
            sink.Complete();
        });
        Assert.Equal("disk full", e.Message);
    }

    private sealed class SlowStream(int sleepMs) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (sleepMs > 0) Thread.Sleep(sleepMs);
            base.Write(buffer, offset, count);
        }
    }

    private sealed class FailingStream : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("disk full");
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) { }
    }
}
