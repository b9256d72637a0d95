using System.Reflection;
using System.Security.Cryptography;
using DhtRpc.Wire;
using DhtRpc.Simulation;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Logging;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;
using DhtRpc.Storage.Tests.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using static DhtRpc.Storage.Tests.Stores.Items;

namespace DhtRpc.Storage.Tests.Logging;

/// <summary>The storage decisions an operator sees: every event has its own id in 2000–2999, documented.</summary>
public sealed class StorageLogTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ListLoggerFactory _log = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Every_event_has_a_unique_id_in_the_storage_range_and_a_row_in_the_docs()
    {
        var events = typeof(StorageLog).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToList();
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "logging.md"));
        var storageTable = docs[docs.IndexOf("## DhtRpc.Storage", StringComparison.Ordinal)..];

        Assert.True(events.Count >= 20, $"only {events.Count} events");
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e =>
        {
            Assert.InRange(e.EventId, 2000, 2999);
            Assert.Contains($"| {e.EventId} | {e.Level} |", storageTable, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_store_logs_opening_closing_and_a_failing_database()
    {
        var store = new SqliteItemStore(_directory.Path, _log.CreateLogger<SqliteItemStore>());
        store.Put(Make(Key(1), size: 30));
        store.Dispose();
        using (var reopened = new SqliteItemStore(_directory.Path, _log.CreateLogger<SqliteItemStore>()))
        {
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = reopened.DatabasePath, Pooling = false }.ToString()))
            {
                connection.Open();
                using var drop = connection.CreateCommand();
                drop.CommandText = "DROP TABLE items";
                drop.ExecuteNonQuery();
            }

            var error = Assert.Throws<StorageException>(() => reopened.Get(ItemSpace.Content, Key(1)));
            var failed = Assert.Single(_log.WithId(2023));
            Assert.Equal(LogLevel.Error, failed.Level);
            Assert.Same(error, failed.Error);
        }

        var opened = _log.WithId(2020).ToList();
        Assert.Equal(2, opened.Count);
        Assert.Equal(typeof(SqliteItemStore).FullName, opened[0].Category);
        Assert.Contains("0 items, 0 bytes", opened[0].Message, StringComparison.Ordinal);
        Assert.Contains("1 items, 30 bytes", opened[1].Message, StringComparison.Ordinal);
        Assert.Equal(2, _log.WithId(2021).Count());
    }

    [Fact]
    public void A_store_that_cannot_be_opened_is_logged_below_warning()
    {
        File.WriteAllText(Path.Combine(_directory.Path, SqliteItemStore.FileName), string.Concat(Enumerable.Repeat("not a database. ", 400)));

        var error = Assert.Throws<StorageException>(() => new SqliteItemStore(_directory.Path, _log.CreateLogger<SqliteItemStore>()));

        var entry = Assert.Single(_log.WithId(2022));
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Same(error, entry.Error);
    }

    [Fact]
    public void The_peer_cache_logs_loads_and_saves()
    {
        using var cache = new SqlitePeerCache(_directory.Path, logger: _log.CreateLogger<SqlitePeerCache>());
        cache.Save([Ipv4Endpoint.Parse("10.0.0.1:1"), Ipv4Endpoint.Parse("10.0.0.2:2")]);
        _ = cache.Load();

        Assert.Contains("Saved 2 peers", Assert.Single(_log.WithId(2031)).Message, StringComparison.Ordinal);
        Assert.Contains("Loaded 2 remembered peers", Assert.Single(_log.WithId(2030)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusals_are_logged_with_command_source_and_code()
    {
        var storage = new List<StorageNode>();
        var options = new StorageOptions { MaxValueSize = 100, MaxItems = 1 };
        var swarm = new SimulatedSwarm().Make(4, onCreated: node => storage.Add(new StorageNode(node, new InMemoryItemStore(), options, _log)));
        var client = new DhtStorageClient(swarm[3]);

        Assert.Throws<StorageRefusedException>(() => swarm.Run(() => client.PutAsync(new byte[500], new PutOptions { BlockSize = 1000 })));
        swarm.Run(() => client.PutAsync("one"u8.ToArray()));
        Assert.Throws<StorageRefusedException>(() => swarm.Run(() => client.PutAsync("two"u8.ToArray())));

        var tooLarge = _log.WithId(2000).First();
        Assert.Equal(LogLevel.Debug, tooLarge.Level);
        Assert.Equal(typeof(StorageNode).FullName, tooLarge.Category);
        Assert.Contains($"Refused command {StorageCommands.Insert} from 127.0.0.1:", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains($"(error {StorageErrors.ValueTooLarge})", tooLarge.Message, StringComparison.Ordinal);
        var full = _log.WithId(2001).First();
        Assert.Equal(LogLevel.Warning, full.Level);
        Assert.Contains("1 items", full.Message, StringComparison.Ordinal);
        Assert.Equal(4, _log.WithId(2002).Count());
    }

    [Fact]
    public void A_republish_round_is_logged_with_its_counts()
    {
        var storage = new List<StorageNode>();
        var swarm = new SimulatedSwarm().Make(6, onCreated: node => storage.Add(new StorageNode(node, new InMemoryItemStore(), null, _log)));
        var value = "kept alive"u8.ToArray();
        swarm.Run(() => new DhtStorageClient(swarm[5]).PutAsync(value));
        var holder = storage.First(s => s.Store.Count(ItemSpace.Content) == 1);

        swarm.Run(() => holder.RepublishAsync());

        Assert.Contains("Republishing 1 content records", Assert.Single(_log.WithId(2010)).Message, StringComparison.Ordinal);
        var finished = Assert.Single(_log.WithId(2011));
        Assert.Equal(typeof(Republisher).FullName, finished.Category);
        Assert.Equal(LogLevel.Information, finished.Level);
        Assert.Contains("of 1 content records", finished.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_logs_what_it_stored_and_fetched()
    {
        var swarm = new SimulatedSwarm().Make(5, onCreated: node => _ = new StorageNode(node, new InMemoryItemStore()));
        var client = new DhtStorageClient(swarm[4], _log.CreateLogger<DhtStorageClient>());
        var value = new byte[3000];
        var absent = NodeId.Read(SHA256.HashData("nobody"u8));

        var put = swarm.Run(() => client.PutAsync(value, new PutOptions { BlockSize = 1024 }));
        swarm.Run(() => client.GetAsync(put.Key));
        Assert.Null(swarm.Run(() => client.GetAsync(absent)));

        Assert.Contains($"Stored 3000 bytes under {put.Key} as {put.Blocks} blocks", Assert.Single(_log.WithId(2040)).Message, StringComparison.Ordinal);
        Assert.Contains($"Fetched 3000 bytes under {put.Key}", Assert.Single(_log.WithId(2041)).Message, StringComparison.Ordinal);
        Assert.Contains(absent.ToString(), Assert.Single(_log.WithId(2042)).Message, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DhtRpc.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("DhtRpc.sln not found above " + AppContext.BaseDirectory);
    }
}
