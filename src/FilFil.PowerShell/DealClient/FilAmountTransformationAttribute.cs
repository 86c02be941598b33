using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// Lets an amount parameter (attoFIL, BigInteger) take a whole number of attoFIL (integer, BigInteger, or a string
/// of digits) or FIL with a unit: "1.5 FIL", "0.001FIL", "250 attoFIL". Negative amounts and fractions of an attoFIL
/// are refused.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class FilAmountTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly BigInteger AttoPerFil = BigInteger.Pow(10, 18);

    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        BigInteger amount = value switch
        {
            null => throw new ArgumentTransformationMetadataException("an amount is required"),
            BigInteger b => b,
            int or long or uint or ulong or short or ushort or byte => new BigInteger(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
            decimal m when decimal.Truncate(m) == m => new BigInteger(m),
            double d when Math.Truncate(d) == d && Math.Abs(d) < 1e30 => new BigInteger(d),
            string s => Parse(s),
            _ => throw new ArgumentTransformationMetadataException($"an amount is whole attoFIL or \"<n> FIL\", not {value}"),
        };
        if (amount.Sign < 0) throw new ArgumentTransformationMetadataException($"an amount cannot be negative: {amount}");
        return amount;
    }

    /// <summary>"123" (attoFIL), "1.5 FIL", "250 attoFIL".</summary>
    public static BigInteger Parse(string text)
    {
        var t = text.Trim();
        BigInteger unit = BigInteger.One;
        if (t.EndsWith("attoFIL", StringComparison.OrdinalIgnoreCase)) t = t[..^7].Trim();
        else if (t.EndsWith("FIL", StringComparison.OrdinalIgnoreCase)) { t = t[..^3].Trim(); unit = AttoPerFil; }
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) &&
            !(unit.IsOne && BigInteger.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new ArgumentTransformationMetadataException($"not an amount: \"{text}\" (whole attoFIL, or \"<n> FIL\")");
        if (unit.IsOne) return BigInteger.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var atto) ? atto
            : throw new ArgumentTransformationMetadataException($"\"{text}\" is not a whole number of attoFIL");
        // FIL: up to 18 decimals, exactly
        var parts = t.Split('.');
        var frac = parts.Length > 1 ? parts[1] : "";
        if (frac.Length > 18) throw new ArgumentTransformationMetadataException($"\"{text}\" has more than 18 decimals (below one attoFIL)");
        return BigInteger.Parse(parts[0].Length == 0 ? "0" : parts[0], CultureInfo.InvariantCulture) * AttoPerFil
            + BigInteger.Parse(frac.PadRight(18, '0'), CultureInfo.InvariantCulture);
    }
}
