using System.Management.Automation;
using System.Net;
using System.Security;

namespace FilFil.PowerShell;

/// <summary>
/// Lets a <see cref="SecureString"/> parameter (-Token) also take a plain string, as fil-fil's verbs and scripts pass
/// one: the string is copied into a read-only SecureString. A SecureString passes through; an empty string or
/// another type is refused.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case null or SecureString:
                return value;
            case string { Length: 0 }:
                throw new ArgumentTransformationMetadataException("the token is empty");
            case string s:
                var secure = new SecureString();
                foreach (char c in s) secure.AppendChar(c);
                secure.MakeReadOnly();
                return secure;
            default:
                throw new ArgumentTransformationMetadataException($"a token is a SecureString or a string, not a {value.GetType().Name}");
        }
    }

    /// <summary>The plain text of <paramref name="token"/> (null stays null), for the HTTP Authorization header.</summary>
    public static string? Reveal(SecureString? token) => token is null ? null : new NetworkCredential(string.Empty, token).Password;
}
