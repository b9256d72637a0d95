using System.Text.Json.Serialization;

namespace DhtRpc.Storage.Protocol;

/// <summary>
/// Compile-time JSON contracts of the warehouse documents: no reflection at run time, so the
/// library works in trimmed and native-AOT programs (and a one-shot client does not pay for it).
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(InventoryItem))]
[JsonSerializable(typeof(List<InventoryItem>))]
[JsonSerializable(typeof(StudyEntry))]
internal sealed partial class WarehouseJson : JsonSerializerContext;

/// <summary>The node-info document (STATS), camelCase like the study's.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NodeInfo))]
internal sealed partial class NodeInfoJson : JsonSerializerContext;
