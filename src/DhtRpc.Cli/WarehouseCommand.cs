using System.CommandLine;
using System.Globalization;
using DhtRpc.Wire;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.Cli;

/// <summary>
/// `dht warehouse store|get|list|delete|stats`: the warehouse commands (100–108) for items under
/// sha256(KEY). --node names one warehouse; otherwise warehouses are found by a lookup. Stores and
/// deletes are signed with the user's identity unless --unsigned; reads are verified.
/// </summary>
internal static partial class WarehouseCommand
{
    /// <summary>Largest value that still fits one UDP datagram with the message around it.</summary>
    private const int MaxDatagramValue = 65_000;

    public static Command Create()
    {
        var command = new Command("warehouse", "Store, read, list and delete items on warehouse nodes (items live under sha256(KEY)).");
        command.Subcommands.Add(Store());
        command.Subcommands.Add(Get());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Stats());
        return command;
    }

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Gather the inventories of every warehouse a lookup finds, in one table." };
        var (command, client, node) = Verb("list", "Show a warehouse's inventory (--node, else the fastest found, or the nearest to --location; --all for every warehouse found).");
        var location = LocationOption("without --all, the inventory of the fastest warehouse tagged TAG; with --all, only the warehouses tagged TAG");
        command.Options.Add(all);
        command.Options.Add(location);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var named = NamedNode(result, node);
                var tag = WantedLocation(result, location, named);
                await using var dht = await client.ConnectAsync(result, stop, named).ConfigureAwait(false);
                var warehouses = new WarehouseClient(dht);
                var answered = named is { } one
                    ? await warehouses.ListEachAsync([one], stop).ConfigureAwait(false)
                    : result.GetValue(all)
                        ? await warehouses.ListAllAsync(stop).ConfigureAwait(false)
                        : await warehouses.ListEachAsync([tag is null ? await FastestAsync(warehouses, stop).ConfigureAwait(false) : await NearestAsync(warehouses, tag, stop).ConfigureAwait(false)], stop).ConfigureAwait(false);
                if (tag is not null && result.GetValue(all))
                {
                    answered = answered.Count == 0 ? answered : await TaggedAsync(warehouses, answered, tag, stop).ConfigureAwait(false);
                    if (answered.Count == 0)
                    {
                        throw new CliException($"No warehouse tagged '{tag}' answered.", CliFailure.NotFound);
                    }
                }

                if (answered.Count == 0)
                {
                    throw new CliException(named is { } n ? $"{n} did not answer as a warehouse." : "No warehouse answered.", CliFailure.Unreachable);
                }

                PrintInventories(answered, result.GetValue(client.Json));
                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }

    private static Command Stats()
    {
        var key = new Argument<string>("KEY") { Description = "The item's name." };
        var (command, client, node) = Verb("stats", "Show how often KEY was read, on each warehouse that holds it: those near sha256(KEY), else every warehouse a survey finds (items stored with --node or --location), or the --node named.", key);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var named = NamedNode(result, node);
                var k = result.GetValue(key)!;
                await using var dht = await client.ConnectAsync(result, stop, named).ConfigureAwait(false);
                var warehouses = new WarehouseClient(dht);
                var stats = named is { } only
                    ? await warehouses.KeyStatsFromEachAsync(k, [only], stop).ConfigureAwait(false)
                    : await warehouses.KeyStatsAsync(k, stop).ConfigureAwait(false);
                if (named is null && stats.Holders.Count == 0)
                {
                    // Not near its key (stored with --node or by location): ask every warehouse a survey finds.
                    var everywhere = await warehouses.KeyStatsEverywhereAsync(k, stop).ConfigureAwait(false);
                    stats = everywhere with { UnreadableReplies = everywhere.UnreadableReplies + stats.UnreadableReplies };
                }

                var holders = stats.Holders.ToList();
                if (holders.Count == 0)
                {
                    throw new CliException(NoStats(k, named, stats.UnreadableReplies), CliFailure.NotFound);
                }

                if (result.GetValue(client.Json))
                {
                    WarehouseJsonOutput.Stats(k, stats.Target, holders);
                    return CliRunner.Ok;
                }

                Console.WriteLine($"'{k}' (target {stats.Target}): read {holders.Sum(h => h.Item.AccessCount)} times on {holders.Count} warehouse{(holders.Count == 1 ? "" : "s")}");
                var table = Ui.NewTable("Warehouse", "Location", "Size", "Reads", "Last read", "Stored");
                foreach (var (at, item) in holders)
                {
                    table.AddTextRow(at.ToString(), item.Location ?? "-", Text(item.Size), Text(item.AccessCount), item.LastAccess ?? "never", item.Stored);
                }

                Ui.Out.Write(table);
                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }

    /// <summary>
    /// Why there are no statistics to show, in one sentence: nobody holds the key, or the nodes that
    /// answered KEY_STATS did so in a format this client does not read (a warehouse of another protocol,
    /// such as the study's, which answers it with the raw value).
    /// </summary>
    private static string NoStats(string key, Ipv4Endpoint? named, int unreadable)
    {
        var foreign = unreadable == 1
            ? "1 node answered KEY_STATS in another format; it may run another warehouse protocol"
            : $"{unreadable} nodes answered KEY_STATS in another format; they may run another warehouse protocol";
        return (named, unreadable) switch
        {
            (_, 0) => NotHeld(key, named),
            ({ } n, _) => $"Warehouse {n} holds no statistics of '{key}' this client can read ({foreign}).",
            (null, _) => $"No warehouse near '{key}' has statistics this client can read ({foreign}).",
        };
    }

    /// <summary>That nobody holds a key, in one sentence: the named warehouse, or every one near the key.</summary>
    private static string NotHeld(string key, Ipv4Endpoint? named) =>
        named is { } n ? $"Warehouse {n} does not hold '{key}'." : $"No warehouse near '{key}' holds it.";

    /// <summary>The warehouse that answered a lookup fastest; one sentence when the lookup found none.</summary>
    internal static async Task<Ipv4Endpoint> FastestAsync(WarehouseClient warehouses, CancellationToken stop) =>
        (await warehouses.FindFastestWarehouseAsync(stop).ConfigureAwait(false))?.Peer.Endpoint ?? throw new CliException("A lookup found no warehouse.", CliFailure.NotFound);

    private static void PrintInventories(IReadOnlyList<WarehouseInventory> inventories, bool json)
    {
        if (json)
        {
            WarehouseJsonOutput.Inventories(inventories, NameBook.Load());
            return;
        }

        var names = NameBook.Load();
        var table = Ui.NewTable("Warehouse", "Location", "Key", "Preview", "Size", "Reads", "Stored");
        var items = 0;
        foreach (var (at, list) in inventories.OrderBy(i => i.Warehouse.Address).ThenBy(i => i.Warehouse.Port))
        {
            foreach (var item in list)
            {
                items++;
                var name = item.FullKey is { } full && names.TryGetValue(full, out var known) ? known : item.Key;
                table.AddTextRow(at.ToString(), item.Location ?? "-", name, item.Preview, Text(item.Size), Text(item.AccessCount), item.Stored);
            }
        }

        if (items > 0)
        {
            Ui.Out.Write(table);
        }

        Console.WriteLine($"{items} item{(items == 1 ? "" : "s")} on {inventories.Count} warehouse{(inventories.Count == 1 ? "" : "s")}");
    }

    private static (Command Command, ClientOptions Client, Option<string?> Node) Verb(string name, string description, params Argument[] arguments)
    {
        var command = new Command(name, description);
        foreach (var argument in arguments)
        {
            command.Arguments.Add(argument);
        }

        var client = new ClientOptions();
        client.AddTo(command);
        var node = CommonOptions.Node();
        command.Options.Add(node);
        return (command, client, node);
    }

    private static Ipv4Endpoint? NamedNode(ParseResult result, Option<string?> node) =>
        result.GetValue(node) is { } text ? CommonOptions.ParseEndpoint(text) : null;

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return CliRunner.Failure;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
