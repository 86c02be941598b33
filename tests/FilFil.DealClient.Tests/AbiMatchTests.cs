using System.Reflection;
using System.Text.Json;
using FilFil.DealClient.Ethereum;
using FilFil.DealClient.Messages;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.Util;
using Xunit;

namespace FilFil.DealClient.Tests;

/// <summary>
/// Every typed message in FilFil.DealClient.Messages against the ABI forge writes (contracts/out, built by
/// `forge build`; test.sh builds it before the xUnit suites). A missing ABI file is a failure, not a skip.
/// </summary>
public class AbiMatchTests
{
    private static readonly Type[] MessageTypes = typeof(PublishSlotFunction).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(PublishSlotFunction).Namespace && t.IsPublic).ToArray();

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FilFil.sln"))) return d.FullName;
        throw new InvalidOperationException("FilFil.sln not found above " + AppContext.BaseDirectory);
    }

    private static JsonElement Artifact(string contract)
    {
        var path = Path.Combine(RepoRoot(), "contracts", "out", contract + ".sol", contract + ".json");
        Assert.True(File.Exists(path), $"{path} is missing: build the contracts first (cd contracts && npm ci && ./node_modules/.bin/forge build, or bash contracts/test.sh --build-only)");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    private static string Canonical(JsonElement p)
    {
        var type = p.GetProperty("type").GetString()!;
        if (!type.StartsWith("tuple", StringComparison.Ordinal)) return type;
        return "(" + string.Join(",", p.GetProperty("components").EnumerateArray().Select(Canonical)) + ")" + type["tuple".Length..];
    }

    private static string Types(JsonElement list) => "(" + string.Join(",", list.EnumerateArray().Select(Canonical)) + ")";

    private static string Types(Parameter[] ps) => new SignatureEncoder().GenerateSignature("", ps);

    private static IEnumerable<JsonElement> Entries(JsonElement artifact, string kind) =>
        artifact.GetProperty("abi").EnumerateArray().Where(e => e.GetProperty("type").GetString() == kind);

    /// <summary>Parameter names: the client's forwarding stubs leave them empty; the extensions' ABIs name them.</summary>
    private static string[] Names(string kind, string name, string types, string side)
    {
        foreach (var contract in new[] { "FilFilDealClient", "FilFilDealClientExt", "FilFilRewardsExt" })
        {
            var e = Entries(Artifact(contract), kind).FirstOrDefault(x => x.GetProperty("name").GetString() == name && Types(x.GetProperty("inputs")) == types);
            if (e.ValueKind == JsonValueKind.Undefined || !e.TryGetProperty(side, out var ps)) continue;
            var names = ps.EnumerateArray().Select(p => p.GetProperty("name").GetString() ?? "").ToArray();
            if (names.All(n => n.Length > 0)) return names;
        }
        return [];
    }

    [Fact]
    public void EveryFunctionMessageMatchesTheForgeAbi()
    {
        var artifact = Artifact("FilFilDealClient");
        var selectors = artifact.GetProperty("methodIdentifiers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var functions = MessageTypes.Where(t => t.GetCustomAttribute<FunctionAttribute>() != null).ToArray();
        Assert.True(functions.Length >= 30, $"only {functions.Length} function messages");
        var problems = new List<string>();
        foreach (var t in functions)
        {
            var abi = ABITypedRegistry.GetFunctionABI(t);
            var signature = abi.Name + Types(abi.InputParameters);
            if (!selectors.TryGetValue(signature, out var selector)) { problems.Add($"{t.Name}: {signature} is not in the contract's ABI"); continue; }
            if (selector != abi.Sha3Signature) problems.Add($"{t.Name}: selector {abi.Sha3Signature}, forge {selector}");
            var entry = Entries(artifact, "function").Single(e => e.GetProperty("name").GetString() == abi.Name && Types(e.GetProperty("inputs")) == Types(abi.InputParameters));
            var wantOut = Types(entry.GetProperty("outputs"));
            var outputType = t.Assembly.GetType(t.FullName![..^"Function".Length] + "Output");
            var gotOut = outputType != null
                ? Types(new AttributesToABIExtractor().ExtractParametersFromAttributes(outputType))
                : Types(abi.OutputParameters ?? []);
            if (gotOut != wantOut) problems.Add($"{t.Name}: returns {gotOut}, forge {wantOut}");
            var names = Names("function", abi.Name, Types(abi.InputParameters), "inputs");
            var got = abi.InputParameters.Select(p => p.Name).ToArray();
            if (names.Length > 0 && !names.SequenceEqual(got)) problems.Add($"{t.Name}: parameters ({string.Join(",", got)}), forge ({string.Join(",", names)})");
            if (outputType != null)
            {
                var outNames = Names("function", abi.Name, Types(abi.InputParameters), "outputs");
                var gotNames = new AttributesToABIExtractor().ExtractParametersFromAttributes(outputType).Select(p => p.Name).ToArray();
                if (outNames.Length > 0 && !outNames.SequenceEqual(gotNames)) problems.Add($"{t.Name}: outputs ({string.Join(",", gotNames)}), forge ({string.Join(",", outNames)})");
            }
            var view = entry.GetProperty("stateMutability").GetString() is "view" or "pure";
            if (view && outputType == null && abi.OutputParameters is not { Length: > 0 }) problems.Add($"{t.Name}: a view without a declared return type");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryEventOfTheContractHasAMatchingTypedEvent()
    {
        var artifact = Artifact("FilFilDealClient");
        var events = MessageTypes.Where(t => t.GetCustomAttribute<EventAttribute>() != null)
            .ToDictionary(t => t.GetCustomAttribute<EventAttribute>()!.Name);
        var problems = new List<string>();
        foreach (var e in Entries(artifact, "event"))
        {
            var name = e.GetProperty("name").GetString()!;
            var signature = name + Types(e.GetProperty("inputs"));
            var topic = Sha3Keccack.Current.CalculateHash(signature);
            if (!events.Remove(name, out var t)) { problems.Add($"no typed event for {signature}"); continue; }
            var abi = ABITypedRegistry.GetEvent(t);
            if (abi.Sha3Signature != topic) problems.Add($"{t.Name}: topic {abi.Sha3Signature} ({abi.Name}{Types(abi.InputParameters)}), forge {topic} ({signature})");
            var wantIndexed = e.GetProperty("inputs").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()}{(p.GetProperty("indexed").GetBoolean() ? " indexed" : "")}");
            var gotIndexed = abi.InputParameters.Select(p => $"{p.Name}{(p.Indexed ? " indexed" : "")}");
            if (!wantIndexed.SequenceEqual(gotIndexed)) problems.Add($"{t.Name}: ({string.Join(", ", gotIndexed)}), forge ({string.Join(", ", wantIndexed)})");
        }
        foreach (var extra in events.Keys) problems.Add($"typed event {extra} is not in the contract's ABI");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheErrorListIsEveryCustomErrorOfTheContracts()
    {
        // every artifact of contracts/src (the client, its extensions, the storage base and the libraries)
        var sources = Directory.GetFiles(Path.Combine(RepoRoot(), "contracts", "src"), "*.sol", SearchOption.AllDirectories).Select(Path.GetFileName);
        var inAbi = new HashSet<string>();
        foreach (var source in sources)
            foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "contracts", "out", source!), "*.json"))
                foreach (var e in JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("abi").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "error"))
                    inAbi.Add(e.GetProperty("name").GetString() + "(" + string.Join(", ", e.GetProperty("inputs").EnumerateArray()
                        .Select(p => Canonical(p) + " " + p.GetProperty("name").GetString())) + ")");
        Assert.True(inAbi.Count >= 80, $"only {inAbi.Count} errors in the ABI");
        var listed = ContractErrors.Declarations.Where(d => !d.StartsWith("Error(", StringComparison.Ordinal) && !d.StartsWith("Panic(", StringComparison.Ordinal)).ToHashSet();
        Assert.Empty(inAbi.Except(listed));
        Assert.Empty(listed.Except(inAbi));
        // selectors as forge computes them (keccak of the canonical signature)
        Assert.All(ContractErrors.Declarations, d => Assert.Equal(Sha3Keccack.Current.CalculateHash(ContractErrors.Signature(d))[..8], ContractErrors.Parse(d).Sha3Signature));
    }

    [Fact]
    public void RevertDataDecodesIntoTheErrorNameAndArguments()
    {
        var selector = ContractErrors.Parse("InsufficientCollateral(uint256 sent, uint256 required)").Sha3Signature;
        var (name, text) = ContractErrors.Decode("0x" + selector + 5.ToString("x64") + 10.ToString("x64"));
        Assert.Equal("InsufficientCollateral", name);
        Assert.Equal("InsufficientCollateral(sent: 5, required: 10)", text);
        Assert.Equal(("", "unknown error 0x12345678"), ContractErrors.Decode("0x12345678"));
        Assert.Equal("", ContractErrors.Decode("0x").Name);
    }

    [Fact]
    public void TheMessagesTheCmdletsNeedExist()
    {
        string[] needed =
        [
            "publishSlot", "retractSlot", "register", "unregister", "withdrawCollateral", "takeOver", "proposeDeal",
            "offer", "settle", "poke", "claim", "slotInfo", "pieceInfo", "slotReplicas", "windowOf", "assignmentInfo",
            "providerInfo", "roster", "getParams", "setParams", "getDealProposal", "getExtraParams", "fundRewards", "pause", "unpause",
        ];
        var have = MessageTypes.Select(t => t.GetCustomAttribute<FunctionAttribute>()?.Name).ToHashSet();
        Assert.All(needed, n => Assert.Contains(n, have));
    }
}
