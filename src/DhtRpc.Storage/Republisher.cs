using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Logging;
using DhtRpc.Storage.Stores;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Storage;

/// <summary>
/// Keeps content alive over churn: every interval, a holder pushes each record it holds to the current
/// closest nodes (skipping records another node pushed here during the interval), and keeps its own
/// copy only while it is still among the closest. Signed warehouse items are pushed the same way, with
/// their owner's envelope (<see cref="SignedItemPusher"/>). Records nobody refreshes expire, and each
/// round removes what lapsed. Store work goes through the node's store queue, never the caller's thread.
/// </summary>
internal sealed class Republisher : IAsyncDisposable
{
    /// <summary>Records pushed at once: each is a lookup plus k stores, so this keeps within the congestion window.</summary>
    private const int Parallel = 4;

    private readonly StorageNode _owner;
    private readonly DhtStorageClient _client;
    private readonly SignedItemPusher _pusher;
    private readonly ITimer _timer;
    private readonly ILogger _logger;
    private int _running;
    private long _rounds;
    private long _expired;

    public Republisher(StorageNode owner, ILoggerFactory loggers)
    {
        _owner = owner;
        _logger = loggers.CreateLogger<Republisher>();
        _client = new DhtStorageClient(owner.Node, loggers.CreateLogger<DhtStorageClient>());
        _pusher = new SignedItemPusher(owner.Node);
        var interval = owner.Options.RepublishInterval;
        _timer = owner.Node.Options.TimeProvider.CreateTimer(static s => _ = ((Republisher)s!).RunSafelyAsync(), this, interval, interval);
    }

    /// <summary>What republishing one record came to.</summary>
    private enum Outcome
    {
        /// <summary>Another node stored it here during the interval, or it is gone.</summary>
        Skipped,

        /// <summary>Pushing it failed (no node took it).</summary>
        Failed,

        /// <summary>Pushed; this node is no longer among the closest, so its own copy lapses.</summary>
        Pushed,

        /// <summary>Pushed, and this node's own copy lives on.</summary>
        PushedAndKept,
    }

    public long Failures { get; private set; }

    /// <summary>Rounds run (an overlapping call that returned at once is not one).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Items the rounds removed because they lapsed.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            _logger.RepublishOverlap();
            return;
        }

        try
        {
            Interlocked.Increment(ref _rounds);
            var now = _owner.Now;
            var (keys, signed, expired) = await _owner.WithStoreAsync(store =>
            {
                var expired = store.RemoveExpired(now);
                return (store.Keys(ItemSpace.Content), store.SignedKeys(), expired);
            }).ConfigureAwait(true);
            Interlocked.Add(ref _expired, expired);
            _logger.RepublishStarted(keys.Count, expired);
            var outcomes = new int[4];
            for (var i = 0; i < keys.Count; i += Parallel)
            {
                var batch = keys.Skip(i).Take(Parallel).Select(key => RepublishOneAsync(key, cancellationToken));
                foreach (var outcome in await Task.WhenAll(batch).ConfigureAwait(true))
                {
                    outcomes[(int)outcome]++;
                }
            }

            for (var i = 0; i < signed.Count; i += Parallel)
            {
                var batch = signed.Skip(i).Take(Parallel).Select(key => PushSignedAsync(key, cancellationToken));
                foreach (var outcome in await Task.WhenAll(batch).ConfigureAwait(true))
                {
                    outcomes[(int)outcome]++;
                }
            }

            var pushed = outcomes[(int)Outcome.Pushed] + outcomes[(int)Outcome.PushedAndKept];
            _logger.RepublishFinished(keys.Count, pushed, outcomes[(int)Outcome.Skipped], outcomes[(int)Outcome.Failed], outcomes[(int)Outcome.PushedAndKept]);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<Outcome> PushSignedAsync(NodeId key, CancellationToken cancellationToken)
    {
        var item = await _owner.WithStoreAsync(store => store.Get(ItemSpace.Warehouse, key)).ConfigureAwait(true);
        if (item is null || !SignedItemPusher.CanPush(item) || item.ExpiresAt <= _owner.Now)
        {
            return Outcome.Skipped;
        }

        try
        {
            var (stored, closest) = await _pusher.PushAsync(item, cancellationToken).ConfigureAwait(true);
            if (stored == 0)
            {
                Failures++;
                return Outcome.Failed;
            }

            _owner.Stats.CountRepublished();
            return await KeepIfClosestAsync(item, closest).ConfigureAwait(true);
        }
        catch (DhtException e)
        {
            Failures++;
            _logger.RepublishRecordFailed(key, e);
            return Outcome.Failed;
        }
    }

    /// <summary>Renews this node's own copy while it is still among the closest to the key; else lets it lapse.</summary>
    private async Task<Outcome> KeepIfClosestAsync(StoredItem item, IReadOnlyList<DhtResponse> closest)
    {
        if (!DhtStorageClient.IsAmongClosest(_owner.Node.TableId, item.Key, closest, _owner.Node.Options.K))
        {
            return Outcome.Pushed;
        }

        var now = _owner.Now;
        await _owner.WithStoreAsync(store =>
        {
            // Renew what is held now: the item may have been updated or deleted while it was pushed.
            if (store.Get(item.Space, item.Key) is { } held && held.Sequence == item.Sequence)
            {
                store.Put(held with { ExpiresAt = now + _owner.Options.RecordTtl });
            }

            return 0;
        }).ConfigureAwait(true);
        return Outcome.PushedAndKept;
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(true);
    }

    private async Task RunSafelyAsync()
    {
        try
        {
            await RunAsync(CancellationToken.None).ConfigureAwait(true);
        }
        catch (ObjectDisposedException)
        {
            // The node shut down between two rounds: nothing left to republish.
            _logger.RepublishInterrupted();
        }
        catch (StorageException e)
        {
            // The store failed (the database logged why); the next round tries again.
            _logger.RepublishStoreFailed(e);
        }
    }

    private async Task<Outcome> RepublishOneAsync(NodeId key, CancellationToken cancellationToken)
    {
        // Decided per record, just before pushing it: another holder may have refreshed it meanwhile.
        if (_owner.LastStoredByOthers(key) > _owner.Now - _owner.Options.RepublishInterval)
        {
            return Outcome.Skipped;
        }

        var item = await _owner.WithStoreAsync(store => store.Get(ItemSpace.Content, key)).ConfigureAwait(true);
        if (item is null)
        {
            return Outcome.Skipped;
        }

        try
        {
            var (_, query) = await _client.PutBlockWithQueryAsync(key, item.Value, cancellationToken, _owner.Node.Id).ConfigureAwait(true);
            _owner.Stats.CountRepublished();
            return await KeepIfClosestAsync(item, query.ClosestReplies).ConfigureAwait(true);
        }
        catch (Exception e) when (e is DhtException or StorageRefusedException)
        {
            Failures++;
            _logger.RepublishRecordFailed(key, e);
            return Outcome.Failed;
        }
    }
}
