using DhtRpc.Rpc;

namespace DhtRpc.Storage.Protocol;

/// <summary>
/// Answers INFO (<see cref="StorageCommands.WarehouseInfo"/>) on a node that stores nothing, a
/// bootstrap node for one: its id, uptime and counters, so that `dht stats --node` works on any node.
/// Every other user command gets UNKNOWN_COMMAND, as from a plain dht-rpc node.
/// </summary>
public static class NodeInfoResponder
{
    /// <summary>Makes <paramref name="node"/> answer INFO; replaces its <see cref="DhtNode.RequestHandler"/>.</summary>
    public static void Install(DhtNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var clock = node.Options.TimeProvider;
        var started = clock.GetTimestamp();
        node.RequestHandler = request =>
        {
            if (request.Command != StorageCommands.WarehouseInfo)
            {
                request.Error(ErrorCodes.UnknownCommand);
                return;
            }

            if (request.FromUnprovenAddress)
            {
                request.RequireToken(); // the counters are many times the request's size
                return;
            }

            var uptime = (long)clock.GetElapsedTime(started).TotalSeconds;
            request.Reply(InventoryPage.Info(new NodeInfo(null, node.Id?.ToString(), 0, 0, 0, 0, 0, 0, uptime) { Counters = node.Stats.Counters() }));
        };
    }
}
