using System.Management.Automation;
using FilFil.Core;
using FilFil.Core.Chain;

namespace FilFil.PowerShell.DealClient;

/// <summary>
/// Lets a miner parameter (ulong actor ID) take a miner as the cmdlets accept it everywhere: "f01234", "t01234",
/// "1234", a number, or a FilecoinAddress of protocol 0. Anything else is refused with the accepted forms.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class MinerIdTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            return value switch
            {
                null => null,
                ulong u => u,
                int or long or uint or short or ushort or byte when Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) >= 0 =>
                    Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture),
                FilecoinAddress { ActorId: { } id, Protocol: 0 } => id,
                string s => FilecoinAddress.ParseMinerId(s),
                System.Collections.IList list => list.Cast<object?>().Select(x => (ulong)Transform(engineIntrinsics, x)!).ToArray(),
                _ => throw new FilFilFormatException("miner", 0, "a miner ID as f01234, t01234 or 1234", value.ToString() ?? ""),
            };
        }
        catch (FilFilFormatException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}
