using System.Text;
using FilFil.DealClient.Messages;

namespace FilFil.DealClient.Deals;

/// <summary>
/// The arguments of <c>proposeDeal(slot, pieceIndex, locationRef, carSize)</c> for one staged piece, checked the way
/// the contract checks them (FilFilDealClient.proposeDeal / _checkLocation / FilFilStorage._checkUrl), so that a
/// call the contract would refuse is refused here, before any gas estimate.
/// </summary>
public static class ProposeDealArguments
{
    /// <summary>The contract's URL length limit (FilFilStorage.MAX_URL).</summary>
    public const int MaxUrlBytes = 1024;

    /// <summary>
    /// The URL where FilFil's HTTP server (Start-FilFilServer) serves the piece: <c>{server}/piece/{pieceCid}</c>.
    /// <paramref name="server"/> is the server's base URL (any path is kept, e.g. behind a reverse proxy).
    /// </summary>
    public static string PieceUrl(Uri server, string pieceCid)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(pieceCid);
        if (!server.IsAbsoluteUri || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"the piece server URL must be an absolute http(s) URL, not \"{server}\"", nameof(server));
        if (!string.IsNullOrEmpty(server.Query) || !string.IsNullOrEmpty(server.Fragment))
            throw new ArgumentException($"the piece server URL is a base URL without query or fragment, not \"{server}\"", nameof(server));
        string b = server.AbsoluteUri.TrimEnd('/');
        return $"{b}/piece/{pieceCid}";
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for a location the contract reverts with InvalidUrl: empty, longer
    /// than 1024 bytes, not starting with http:// or https://, or holding a byte below 0x21, '"', '\' or DEL.
    /// </summary>
    public static void CheckLocation(string locationRef)
    {
        ArgumentNullException.ThrowIfNull(locationRef);
        var b = Encoding.UTF8.GetBytes(locationRef);
        if (b.Length == 0 || b.Length > MaxUrlBytes)
            throw new ArgumentException($"the deal URL must be 1 to {MaxUrlBytes} bytes (it is {b.Length})", nameof(locationRef));
        if (!locationRef.StartsWith("http://", StringComparison.Ordinal) && !locationRef.StartsWith("https://", StringComparison.Ordinal))
            throw new ArgumentException($"the deal URL must start with http:// or https:// (the contract refuses \"{locationRef}\")", nameof(locationRef));
        foreach (byte c in b)
            if (c < 0x21 || c == 0x22 || c == 0x5c || c == 0x7f)
                throw new ArgumentException($"the deal URL may not hold spaces, control characters, '\"' or '\\' (the contract refuses \"{locationRef}\")", nameof(locationRef));
    }

    /// <summary>
    /// proposeDeal for <paramref name="piece"/> of the window's slot. <paramref name="carSize"/> is the size of the
    /// local CAR that will be served; it must equal the published size (the contract reverts CarSizeMismatch).
    /// </summary>
    public static ProposeDealFunction Create(ProviderWindow window, StagedPiece piece, string locationRef, ulong carSize)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(piece);
        CheckLocation(locationRef);
        if (carSize != piece.CarSize)
            throw new ArgumentException($"the CAR served is {carSize} bytes but slot {window.Slot} piece {piece.Index} was published with {piece.CarSize} bytes", nameof(carSize));
        return new ProposeDealFunction { Slot = window.Slot, PieceIndex = piece.Index, LocationRef = locationRef, CarSize = carSize };
    }
}
