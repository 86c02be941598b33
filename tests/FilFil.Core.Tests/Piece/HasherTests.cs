using FilFil.Core.Piece;
using Xunit;

namespace FilFil.Core.Tests.Piece;

/// <summary>The node hash paths (native libcrypto, AVX-512, managed) and Fr32 against independent references.</summary>
public class HasherTests
{
    public static IEnumerable<object[]> Backends()
    {
        yield return [CommPHashBackend.Managed];
        yield return [CommPHashBackend.Native];
        yield return [CommPHashBackend.Avx512];
        yield return [CommPHashBackend.Avx2];
    }

    private static NodeHasher? Get(CommPHashBackend b) => b switch
    {
        CommPHashBackend.Managed => NodeHasher.Managed,
        CommPHashBackend.Native => NodeHasher.Native,
        CommPHashBackend.Avx512 => NodeHasher.Avx512,
        CommPHashBackend.Avx2 => NodeHasher.Avx2,
        _ => null,
    };

    [Fact]
    public void This_machine_has_the_fast_paths()
    {
        // The CI/dev machine is Linux x64 with OpenSSL 3; if this fails the benchmarks measure the wrong thing.
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(CommPHasher.NativeAvailable, NativeNodeHasher.LoadError);
        using var h = new CommPHasher();
        Assert.Equal((NodeHasher.Avx512 ?? NodeHasher.Native)!.Name, h.HashPath);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public unsafe void Random_layers_agree_with_sha256(CommPHashBackend backend)
    {
        var hasher = Get(backend);
        if (hasher is null) return; // not available on this CPU/OS: This_machine_has_the_fast_paths covers the dev box
        var rnd = new Random(42);
        foreach (int pairs in new[] { 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 512 })
        {
            var src = new byte[pairs * 64];
            rnd.NextBytes(src);
            var want = new byte[pairs * 32];
            for (int i = 0; i < pairs; i++)
            {
                var h = System.Security.Cryptography.SHA256.HashData(src.AsSpan(64 * i, 64));
                h[31] &= 0x3F;
                h.CopyTo(want, 32 * i);
            }
            var got = new byte[pairs * 32];
            fixed (byte* s = src)
            fixed (byte* d = got)
                hasher.HashLayer(s, d, pairs);
            Assert.Equal(want, got);
            // in place, as the tree reduction uses it
            var inplace = (byte[])src.Clone();
            fixed (byte* s = inplace) hasher.HashLayer(s, s, pairs);
            Assert.Equal(want, inplace.AsSpan(0, pairs * 32).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Whole_pieces_agree_with_the_naive_reference(CommPHashBackend backend)
    {
        if (Get(backend) is null) return;
        var rnd = new Random(7);
        foreach (int n in new[] { 0, 1, 64, 65, 126, 127, 128, 254, 255, 1016, 1017, 127 * 256, 127 * 257 + 5, 100_000, CommPHasher.ChunkPayload + 1 })
        {
            var data = new byte[n];
            rnd.NextBytes(data);
            using var h = new CommPHasher(0, backend);
            h.Write(data);
            Assert.Equal(CommPReference.CommP(data), h.Finish().CommP);
        }
    }

    [Fact]
    public void Multi_chunk_pieces_agree_across_paths_and_thread_counts()
    {
        var rnd = new Random(9);
        var data = new byte[3 * CommPHasher.ChunkPayload + 12345];
        rnd.NextBytes(data);
        var want = CommPReference.CommP(data);
        foreach (var b in new[] { CommPHashBackend.Auto, CommPHashBackend.Managed })
            foreach (int threads in new[] { 1, 2, 5 })
            {
                using var h = new CommPHasher(threads, b);
                h.Write(data);
                var info = h.Finish();
                Assert.Equal(want, info.CommP);
                Assert.Equal(17, info.Height); // 3 MiB + 12345 payload -> 4 MiB piece = 32 << 17
            }
    }

    [Fact]
    public unsafe void Fr32_fast_path_matches_bytewise_and_bitwise()
    {
        var rnd = new Random(3);
        var src = new byte[127 * 40];
        rnd.NextBytes(src);
        for (int i = 0; i < 127; i++) src[i] = 0xFF; // all-ones quad: every shim bit position exercised
        var fast = new byte[128 * 40];
        Fr32.Pad(src, fast);
        var slow = new byte[128];
        for (int q = 0; q < 40; q++)
        {
            Fr32.PadQuadBytewise(src.AsSpan(q * 127, 127), slow);
            Assert.Equal(slow, fast.AsSpan(q * 128, 128).ToArray());
            for (int k = 0; k < 4; k++) Assert.Equal(0, fast[q * 128 + k * 32 + 31] & 0xC0);
        }
        Assert.Throws<ArgumentException>(() => Fr32.Pad(new byte[100], new byte[128]));
    }
}
