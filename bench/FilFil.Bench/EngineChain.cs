using FilFil.Devnet;

namespace FilFil.Bench;

/// <summary>The synthetic chain the engine benchmarks share (import, walk, hashing): same knobs, same bytes.</summary>
internal static class EngineChain
{
    public static DevnetOptions Options(int stateBlocks) =>
        new() { StateBlocks = stateBlocks, AverageBlockSize = 320, ChurnPerEpoch = 64, MessagesPerBlock = 4, Seed = 3 };

    /// <summary>Writes the chain's CAR (heads of <paramref name="epochs"/> epochs) to <paramref name="path"/>; returns its size.</summary>
    public static long Write(string path, long epochs, int stateBlocks)
    {
        using (var f = File.Create(path)) DevnetChain.WriteSyntheticCar(Options(stateBlocks), f, epochs);
        return new FileInfo(path).Length;
    }
}
