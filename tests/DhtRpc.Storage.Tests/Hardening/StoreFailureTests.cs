using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;
using DhtRpc.Storage.Tests.Stores;

namespace DhtRpc.Storage.Tests.Hardening;

/// <summary>
/// Every failure is a reply, on real loopback sockets: a full queue answers BUSY while PINGs still pass,
/// and a full or failing store answers STORE_FAILED instead of leaving the request to time out.
/// </summary>
public sealed class StoreFailureTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private DhtNode _client = null!;

    public async ValueTask InitializeAsync()
    {
        _client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [] });
        await _client.FullyBootstrappedAsync();
        _owned.Add(_client);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_full_queue_answers_busy_and_pings_pass_while_the_writer_is_held_up()
    {
        using var gate = new SemaphoreSlim(0);
        using var store = new GatedStore(gate);
        var (storage, warehouse) = await ServeAsync(store, new StorageOptions { StoreWork = StoreWorkMode.Queued, QueueLength = 2 });
        Assert.True(storage.QueuesStoreWork);

        // The first store holds the writer; two wait in the queue; the rest find it full.
        var first = StoreAsync(warehouse, "held");
        await store.Entered.WaitAsync(TestContext.Current.CancellationToken);
        var queued = new[] { StoreAsync(warehouse, "queued-1"), StoreAsync(warehouse, "queued-2") };
        await WaitUntilAsync(() => storage.Stats.RefusedTotal == 0 && Waiting(storage) == 2);
        var refused = await Task.WhenAll(StoreAsync(warehouse, "busy-1"), StoreAsync(warehouse, "busy-2"));
        Assert.All(refused, e => Assert.Equal(StorageErrors.Busy, e));

        // The node itself still answers while its writer waits on the disk.
        await _client.PingAsync(warehouse, cancellationToken: TestContext.Current.CancellationToken);

        gate.Release(3);
        Assert.Equal(0UL, await first);
        Assert.All(await Task.WhenAll(queued), e => Assert.Equal(0UL, e));
        Assert.Equal(3, store.Count(ItemSpace.Warehouse));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_full_database_answers_store_failed_and_keeps_serving_what_it_holds()
    {
        using var directory = new TempDirectory();
        using var store = new SqliteItemStore(directory.Path);
        var (_, warehouse) = await ServeAsync(store, new StorageOptions());
        Assert.Equal(0UL, await StoreAsync(warehouse, "before", new byte[1000]));
        store.LimitPages(store.ReadPageCount() + 8);

        var replies = new List<ulong>();
        for (var i = 0; i < 40 && !replies.Contains(StorageErrors.StoreFailed); i++)
        {
            replies.Add(await StoreAsync(warehouse, $"fill-{i}", new byte[20_000]));
        }

        Assert.Contains(StorageErrors.StoreFailed, replies);
        Assert.All(replies, e => Assert.True(e is 0 or StorageErrors.StoreFailed, $"error {e}"));
        var read = await _client.RequestAsync(new DhtRequest(StorageCommands.WarehouseGet, Client.WarehouseClient.TargetOf("before")), warehouse);
        Assert.Equal(1000, read.Value?.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_store_that_throws_answers_store_failed_on_the_receive_path_too()
    {
        using var store = new FailingStore();
        var (storage, warehouse) = await ServeAsync(store, new StorageOptions { StoreWork = StoreWorkMode.Inline });
        Assert.False(storage.QueuesStoreWork);
        Assert.Equal(StorageErrors.StoreFailed, await StoreAsync(warehouse, "x"));
        Assert.Equal(1, storage.Stats.Refused(StorageErrors.StoreFailed));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_store_that_cannot_write_counts_still_serves_what_it_holds_and_acknowledges_what_it_wrote()
    {
        using var store = new CountlessStore();
        var (storage, warehouse) = await ServeAsync(store, new StorageOptions { StoreWork = StoreWorkMode.Queued });
        Assert.Equal(0UL, await StoreAsync(warehouse, "held", "value"u8.ToArray()));
        var read = await _client.RequestAsync(new DhtRequest(StorageCommands.WarehouseGet, Client.WarehouseClient.TargetOf("held")), warehouse);
        Assert.Equal(0UL, read.Error);
        Assert.Equal("value"u8.ToArray(), read.Value);
        Assert.Equal(1, storage.Stats.Served);
    }

    private static int Waiting(StorageNode storage) => storage.QueuedRequests;

    private async Task<(StorageNode Storage, Ipv4Endpoint Endpoint)> ServeAsync(IItemStore store, StorageOptions options)
    {
        var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [], Ephemeral = false });
        var storage = new StorageNode(node, store, options);
        _owned.Add(node);
        _owned.Add(storage);
        await node.FullyBootstrappedAsync();
        return (storage, Ipv4Endpoint.Loopback(node.ServerEndpoint!.Value.Port));
    }

    private async Task<ulong> StoreAsync(Ipv4Endpoint warehouse, string key, byte[]? value = null)
    {
        var target = Client.WarehouseClient.TargetOf(key);
        var token = (await _client.RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, target), warehouse)).Token;
        var reply = await _client.RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, target, value ?? new byte[10], token), warehouse);
        return reply.Error;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>An in-memory store whose writes wait at a gate, as a slow disk would.</summary>
    private sealed class GatedStore(SemaphoreSlim gate) : ForwardingStore(new InMemoryItemStore())
    {
        public SemaphoreSlim Entered { get; } = new(0);

        public override void Put(StoredItem item)
        {
            Entered.Release();
            gate.Wait();
            base.Put(item);
        }
    }

    /// <summary>A store that cannot write counts (access, totals), as a full disk refuses the small writes too.</summary>
    private sealed class CountlessStore() : ForwardingStore(new InMemoryItemStore())
    {
        public override StoredItem? RecordAccess(ItemSpace space, NodeId key, DateTimeOffset at) => throw Full();

        public override void AddTotals(long stored, long served, long deleted) => throw Full();

        private static StorageException Full() => new("The store database failed: database or disk is full.", "store.db", null);
    }

    /// <summary>A store whose every read fails, as a damaged database does.</summary>
    private sealed class FailingStore() : ForwardingStore(new InMemoryItemStore())
    {
        public override StoredItem? Get(ItemSpace space, NodeId key) => throw new StorageException("The store failed: disk I/O error.", "store.db", null);
    }
}
