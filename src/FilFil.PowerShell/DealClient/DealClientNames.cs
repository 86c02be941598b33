namespace FilFil.PowerShell.DealClient;

/// <summary>Names of the contract's status codes (FilFilStorage.sol constants P_*, A_*, D_*).</summary>
public static class DealClientNames
{
    /// <summary>Provider status: P_NONE, P_ACTIVE, P_LEAVING (unregistered, keeps its windows), P_REMOVED (by the rules).</summary>
    public static string ProviderStatus(byte status) => status switch
    {
        0 => "NotRegistered",
        1 => "Active",
        2 => "Leaving",
        3 => "Removed",
        _ => $"Unknown({status})",
    };

    /// <summary>Window assignment (replica) status: A_OPEN … A_VOID.</summary>
    public static string AssignmentStatus(byte status) => status switch
    {
        0 => "None",
        1 => "Open",
        2 => "Fulfilled",
        3 => "Missed",
        4 => "Failed",
        5 => "Void",
        _ => $"Unknown({status})",
    };

    /// <summary>Deal state: D_PUBLISHED … D_COMPLETED.</summary>
    public static string DealState(byte state) => state switch
    {
        0 => "Unknown",
        1 => "Published",
        2 => "Active",
        3 => "Terminated",
        4 => "Completed",
        _ => $"Unknown({state})",
    };

    /// <summary>A miner ID as f0 text.</summary>
    public static string Miner(ulong id) => FilFil.Core.Chain.FilecoinAddress.FromId(id).ToString();
}
