using System.Runtime.InteropServices;

namespace FilFil.Core.Store;

/// <summary>
/// Native allocations for the block store's arena chunks and index: 2 MiB aligned and, on Linux, advised for
/// transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>, honoured where THP is "madvise" or "always"). A first
/// touch of a 4 KiB page costs 12-15 us on a virtual machine like the one this was measured on; huge pages make
/// filling a 64 MiB chunk about 40 times cheaper (bench: store-rss / snapshot import).
/// </summary>
internal static unsafe class LargePages
{
    public const nuint Alignment = 2 << 20;
    private const int MADV_HUGEPAGE = 14;
    private static bool _madviseMissing;

    /// <summary>Allocates <paramref name="bytes"/> (zeroed when <paramref name="zero"/>); free with <see cref="Free"/>.</summary>
    public static void* Alloc(nuint bytes, bool zero)
    {
        void* p = NativeMemory.AlignedAlloc(bytes, Alignment);
        if (OperatingSystem.IsLinux() && !_madviseMissing && bytes >= Alignment)
        {
            try { _ = madvise((nint)p, bytes, MADV_HUGEPAGE); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _madviseMissing = true; }
        }
        if (zero) NativeMemory.Clear(p, bytes);
        return p;
    }

    public static void Free(void* p) => NativeMemory.AlignedFree(p);

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(nint addr, nuint length, int advice);
}
