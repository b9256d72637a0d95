using System.Text.Json.Serialization;
using DhtRpc.Storage;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.Cli;

/// <summary>Compile-time JSON contracts of the library types that --json prints whole (camelCase, like every --json field).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InventoryItem))]
[JsonSerializable(typeof(NodeInfo))]
internal sealed partial class CliJson : JsonSerializerContext;
