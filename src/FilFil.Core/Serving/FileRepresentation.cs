namespace FilFil.Core.Serving;

/// <summary>What a file response says about the file.</summary>
internal sealed record FileRepresentation(string Path, string ContentType, string ETag, string CacheControl, long? ExpectedLength = null);
