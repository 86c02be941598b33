using System.Runtime.InteropServices;

namespace FilFil.Core.Car;

/// <summary>
/// A write-through wrapper of a <see cref="FileStream"/> that starts the kernel's writeback of each 8 MiB written
/// (Linux <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, which does not wait), so the final fsync of a snapshot
/// finds most of the file already on disk instead of writing it all at the end, and dirty page cache stays small
/// for 80 GiB files. Elsewhere it only forwards.
/// </summary>
internal sealed partial class WritebackFileStream(FileStream file) : WriteOnlyStream
{
    private const long Window = 8 << 20;
    private const uint SyncFileRangeWrite = 2;
    private long _written, _started;
    private bool _unsupported = !OperatingSystem.IsLinux();

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(nint fd, long offset, long nbytes, uint flags);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer);
        Advance(buffer.Length);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        file.Write(buffer, offset, count);
        Advance(count);
    }

    private void Advance(int n)
    {
        _written += n;
        if (_unsupported || _written - _started < Window) return;
        long len = (_written - _started) / Window * Window;
        try
        {
            if (SyncFileRange(file.SafeFileHandle.DangerousGetHandle(), _started, len, SyncFileRangeWrite) != 0) _unsupported = true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unsupported = true;
        }
        _started += len;
    }

    protected override long Written => _written;
    public override void Flush() => file.Flush();
}
