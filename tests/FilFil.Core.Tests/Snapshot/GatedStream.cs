namespace FilFil.Core.Tests.Snapshot;

/// <summary>An output that blocks every write until <paramref name="gate"/> opens, and signals the first write.</summary>
internal sealed class GatedStream(ManualResetEventSlim gate, ManualResetEventSlim firstWrite) : MemoryStream
{
    public override void Write(byte[] buffer, int offset, int count)
    {
        firstWrite.Set();
        gate.Wait();
        base.Write(buffer, offset, count);
    }
}
