using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.Storage.Client;

/// <summary>
/// Choosing warehouses by location: each candidate is asked its tag (INFO, 107), and those tagged with the
/// location wanted come first, then the rest by round-trip time (<see cref="HolderChoice.Nearest"/>).
/// </summary>
public sealed partial class WarehouseClient
{
    /// <summary>
    /// Asks each of <paramref name="candidates"/> for its location tag (INFO, 107), all at once, and returns them
    /// nearest first for <paramref name="location"/>. A candidate that does not answer INFO, or answers in another
    /// format, stays in the list without a tag, placed by its round-trip time.
    /// </summary>
    /// <param name="candidates">Warehouses found by a lookup, closest to its target first.</param>
    /// <param name="location">The location wanted; null orders by round-trip time alone.</param>
    /// <param name="cancellationToken">Stops the questions.</param>
    public async Task<IReadOnlyList<LocatedWarehouse>> LocateAsync(IEnumerable<WarehouseCandidate> candidates, string? location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var located = await Task.WhenAll(candidates.Select(async c => new LocatedWarehouse(c, await TryLocationOfAsync(c.Peer.Endpoint, cancellationToken).ConfigureAwait(true)))).ConfigureAwait(true);
        return HolderChoice.Nearest(located, location);
    }

    /// <summary>
    /// The warehouses a lookup toward a random target finds (as <see cref="FindFastestWarehouseAsync"/> does), with
    /// their tags, nearest first for <paramref name="location"/>: the study's findAvailableWarehouses. Empty when the
    /// lookup found none.
    /// </summary>
    public async Task<IReadOnlyList<LocatedWarehouse>> FindAvailableWarehousesAsync(string? location, CancellationToken cancellationToken = default)
    {
        var candidates = await FindWarehousesAsync(NodeId.Random(), cancellationToken).ConfigureAwait(true);
        return await LocateAsync(candidates, location, cancellationToken).ConfigureAwait(true);
    }

    /// <summary>
    /// The warehouses near sha256(<paramref name="key"/>), those where an item stored under it lives, with their
    /// tags, nearest first for <paramref name="location"/>.
    /// </summary>
    public async Task<IReadOnlyList<LocatedWarehouse>> FindNearestWarehousesAsync(string key, string? location, CancellationToken cancellationToken = default)
    {
        var candidates = await FindWarehousesNearAsync(key, cancellationToken).ConfigureAwait(true);
        return await LocateAsync(candidates, location, cancellationToken).ConfigureAwait(true);
    }

    /// <summary>
    /// Stores an unsigned item (100) on exactly <paramref name="warehouses"/>, all at once, with the tokens they
    /// gave for sha256(<paramref name="key"/>) (from <see cref="FindWarehousesNearAsync"/> or
    /// <see cref="FindNearestWarehousesAsync"/>).
    /// </summary>
    public Task<WarehouseStoreResult> StoreOnEachAsync(string key, byte[] value, IEnumerable<WarehouseCandidate> warehouses, CancellationToken cancellationToken = default) =>
        StoreOnAsync(TargetOf(key), value, StorageCommands.WarehouseStore, warehouses, cancellationToken);

    /// <summary>Stores an owner-signed item (104) on exactly <paramref name="warehouses"/>; as <see cref="StoreOnEachAsync"/>.</summary>
    /// <param name="owner">The owner's Ed25519 key, which signs the item.</param>
    /// <param name="key">The item's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="sequence">Above the sequence of any copy held (see <see cref="WarehouseRead.NextSequence"/>).</param>
    /// <param name="warehouses">Where to store, with the tokens they gave for sha256(<paramref name="key"/>).</param>
    /// <param name="cancellationToken">Stops the store.</param>
    public Task<WarehouseStoreResult> StoreSignedOnEachAsync(Key owner, string key, byte[] value, ulong sequence, IEnumerable<WarehouseCandidate> warehouses, CancellationToken cancellationToken = default)
    {
        var target = TargetOf(key);
        var envelope = SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, target, sequence, value);
        return StoreOnAsync(target, envelope, StorageCommands.WarehouseStoreSigned, warehouses, cancellationToken);
    }

    /// <summary>
    /// Reads sha256(<paramref name="key"/>) from <paramref name="warehouses"/> in the order given,
    /// <paramref name="redundancy"/> at a time, until that many holders have answered (108, with 101 for
    /// warehouses that do not know it). Forgeries are discarded and counted; silent or refusing warehouses are
    /// passed over.
    /// </summary>
    /// <param name="key">The item's name.</param>
    /// <param name="warehouses">Where to read, the preferred first (for example <see cref="FindNearestWarehousesAsync"/>'s order).</param>
    /// <param name="redundancy">How many holders to hear from before stopping.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public async Task<WarehouseRead> ReadFromEachAsync(string key, IEnumerable<Ipv4Endpoint> warehouses, int redundancy = 3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warehouses);
        ArgumentOutOfRangeException.ThrowIfLessThan(redundancy, 1);
        var target = TargetOf(key);
        var tally = new ReadTally(target, null);
        foreach (var batch in warehouses.Chunk(redundancy))
        {
            await Task.WhenAll(batch.Select(e => TryReadOneAsync(target, e, tally, cancellationToken))).ConfigureAwait(true);
            if (tally.HolderCount >= redundancy)
            {
                break;
            }
        }

        return tally.Result();
    }

    /// <summary>The location tag INFO reports; null when the warehouse has none, does not answer, or answers in another format.</summary>
    private async Task<string?> TryLocationOfAsync(Ipv4Endpoint warehouse, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseInfo), warehouse, cancellationToken: cancellationToken).ConfigureAwait(true);
            return reply.Error == 0 && reply.Value is { } value && InventoryPage.TryParseInfo(value, out var info) ? info?.Location : null;
        }
        catch (DhtException)
        {
            // Gone since the lookup: it keeps its place by round trip, without a tag.
            return null;
        }
    }
}
