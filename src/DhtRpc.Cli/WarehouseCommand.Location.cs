using System.CommandLine;
using DhtRpc.Storage.Client;
using DhtRpc.Wire;

namespace DhtRpc.Cli;

/// <summary>
/// --location on `warehouse list`, `get` and `store`: the warehouses tagged with it come first, then the
/// others by how fast they answered (the nearest first, as the study's clients choose).
/// </summary>
internal static partial class WarehouseCommand
{
    private static Option<string?> LocationOption(string what) => new("--location")
    {
        Description = $"Prefer warehouses tagged TAG (`dht node --location TAG`, any case): {what}; the others follow by round-trip time.",
    };

    /// <summary>The tag asked for; a usage error when it is empty or goes with --node.</summary>
    private static string? WantedLocation(ParseResult result, Option<string?> location, Ipv4Endpoint? named)
    {
        var tag = result.GetValue(location);
        if (tag is null)
        {
            return null;
        }

        if (tag.Trim().Length == 0)
        {
            throw new UsageException("--location needs a tag (for example eu-west).");
        }

        return named is null ? tag.Trim() : throw new UsageException("--location chooses among the warehouses a lookup finds, and --node names one; use one or the other.");
    }

    /// <summary>"127.0.0.1:4000 (eu-west)", or the address alone for a warehouse without a tag.</summary>
    private static string Where(Ipv4Endpoint endpoint, IReadOnlyList<LocatedWarehouse> located) =>
        located.FirstOrDefault(w => w.Endpoint == endpoint)?.Location is { } tag ? $"{endpoint} ({tag})" : endpoint.ToString();

    /// <summary>The nearest of the warehouses a lookup finds, saying on stderr why it was chosen.</summary>
    private static async Task<Ipv4Endpoint> NearestAsync(WarehouseClient warehouses, string location, CancellationToken stop)
    {
        var located = await warehouses.FindAvailableWarehousesAsync(location, stop).ConfigureAwait(false);
        if (located.Count == 0)
        {
            throw new CliException("A lookup found no warehouse.", CliFailure.NotFound);
        }

        var first = located[0];
        var tagged = located.Count(w => w.IsIn(location));
        await Console.Error.WriteLineAsync(tagged > 0
            ? $"listing {Where(first.Endpoint, located)}, the fastest of {Count(tagged, "warehouse", "warehouses")} tagged '{location}' (of {located.Count} found)"
            : $"no warehouse found is tagged '{location}'; listing the fastest of {located.Count}, {Where(first.Endpoint, located)}").ConfigureAwait(false);
        return first.Endpoint;
    }

    /// <summary>The inventories of warehouses tagged <paramref name="location"/> (asked with INFO), in the order given.</summary>
    private static async Task<IReadOnlyList<WarehouseInventory>> TaggedAsync(WarehouseClient warehouses, IReadOnlyList<WarehouseInventory> inventories, string location, CancellationToken stop)
    {
        var tags = await Task.WhenAll(inventories.Select(async i =>
        {
            try
            {
                return (await warehouses.InfoAsync(i.Warehouse, stop).ConfigureAwait(false))?.Location;
            }
            catch (Exception e) when (e is DhtException or Storage.StorageException)
            {
                return null;
            }
        })).ConfigureAwait(false);
        return inventories.Where((_, n) => string.Equals(tags[n], location, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>
    /// The <paramref name="redundancy"/> warehouses near KEY to store on, nearest first (one per subnet where
    /// the limits apply), with a note on stderr when fewer of them are tagged than copies wanted.
    /// </summary>
    private static async Task<(IReadOnlyList<WarehouseCandidate> Chosen, IReadOnlyList<LocatedWarehouse> Located)> ChooseNearestAsync(
        WarehouseClient warehouses, string key, string location, int redundancy, CancellationToken stop)
    {
        var located = await warehouses.FindNearestWarehousesAsync(key, location, stop).ConfigureAwait(false);
        var chosen = HolderChoice.Diverse([.. located.Select(w => w.Candidate)], redundancy, warehouses.Node.Options.Limits);
        var tagged = chosen.Count(c => located.First(w => w.Candidate == c).IsIn(location));
        if (chosen.Count > 0 && tagged < chosen.Count)
        {
            await Console.Error.WriteLineAsync($"{tagged} of the {chosen.Count} warehouses chosen near '{key}' are tagged '{location}'; the others answered fastest among the rest").ConfigureAwait(false);
        }

        return (chosen, located);
    }
}
