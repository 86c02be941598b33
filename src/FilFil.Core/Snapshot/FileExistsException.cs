namespace FilFil.Core.Snapshot;

/// <summary>A snapshot is never written over an existing file: the path (or a piece's path) is taken.</summary>
public sealed class FileExistsException : IOException
{
    public FileExistsException(string path) : base($"{path} already exists") => FilePath = path;

    /// <summary>The path that exists.</summary>
    public string FilePath { get; }
}
