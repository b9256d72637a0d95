using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>Access statistics of a key asked of chosen warehouses, for items that are not where a lookup looks.</summary>
public sealed partial class WarehouseClient
{
    /// <summary>
    /// Access statistics of a key from each of <paramref name="warehouses"/>, asked directly (KEY_STATS, 106)
    /// and all at once. Warehouses that do not answer, do not hold the key or answer in another format are
    /// left out (the last counted in <see cref="KeyAccessStats.UnreadableReplies"/>).
    /// </summary>
    public async Task<KeyAccessStats> KeyStatsFromEachAsync(string key, IEnumerable<Ipv4Endpoint> warehouses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warehouses);
        var target = TargetOf(key);
        var answers = await Task.WhenAll(warehouses.Distinct().Select(async warehouse =>
        {
            try
            {
                var reply = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseKeyStats, target), warehouse, cancellationToken: cancellationToken).ConfigureAwait(true);
                if (reply.Error != 0 || reply.Value is not { Length: > 0 } value)
                {
                    return new KeyStatsAnswer(warehouse, null, false);
                }

                return InventoryPage.TryParseKeyStats(value, out var item)
                    ? new KeyStatsAnswer(warehouse, item?.FullKey == target.ToString() ? item : null, false)
                    : new KeyStatsAnswer(warehouse, null, true);
            }
            catch (DhtException)
            {
                return new KeyStatsAnswer(warehouse, null, false);
            }
        })).ConfigureAwait(true);

        var holders = answers.Where(a => a.Item is not null).Select(a => (a.Warehouse, a.Item!)).ToList();
        return StatsOf(target, holders, answers.Count(a => a.Unreadable));
    }

    /// <summary>
    /// Access statistics of a key from every node a survey hears from (<see cref="SurveyAsync"/>: the
    /// warehouses it finds, every other node that answered, and this node's routing table): for items stored
    /// on a chosen warehouse (with an address, or by location) rather than on those closest to the key. A
    /// large network is sampled, not asked in full.
    /// </summary>
    public async Task<KeyAccessStats> KeyStatsEverywhereAsync(string key, CancellationToken cancellationToken = default)
    {
        var survey = await SurveyAsync(cancellationToken).ConfigureAwait(true);
        return await KeyStatsFromEachAsync(key, survey.Warehouses.Concat(survey.Nodes), cancellationToken).ConfigureAwait(true);
    }

    private readonly record struct KeyStatsAnswer(Ipv4Endpoint Warehouse, InventoryItem? Item, bool Unreadable);
}
