namespace FilFil.Core;

/// <summary>
/// Malformed input: a truncated or corrupt CAR, CBOR item, varint, CID or header. Always names the byte offset
/// (relative to the start of the input being parsed) and what was expected there.
/// </summary>
public sealed class FilFilFormatException : FormatException
{
    public FilFilFormatException(string what, long offset, string expected, string? found = null, Exception? inner = null)
        : base(Compose(what, offset, expected, found), inner)
    {
        What = what;
        Offset = offset;
        Expected = expected;
        Found = found;
    }

    /// <summary>The kind of input, e.g. "CAR", "CBOR", "CID", "varint".</summary>
    public string What { get; }
    /// <summary>Byte offset of the problem, from the start of the input.</summary>
    public long Offset { get; }
    public string Expected { get; }
    public string? Found { get; }

    /// <summary>Same error with a different base offset (when a nested parser ran over a slice).</summary>
    public FilFilFormatException Rebase(long baseOffset, string? what = null) =>
        new(what ?? What, baseOffset + Offset, Expected, Found, this);

    private static string Compose(string what, long offset, string expected, string? found) =>
        found is null
            ? $"{what}: at offset {offset}: expected {expected}"
            : $"{what}: at offset {offset}: expected {expected}, found {found}";
}
