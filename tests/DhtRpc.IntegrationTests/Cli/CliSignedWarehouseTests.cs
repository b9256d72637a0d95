using System.Globalization;
using System.Text.Json.Nodes;
using DhtRpc.IntegrationTests.Interop;
using DhtRpc.Storage;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>Signed warehouse items from the CLI against one in-process warehouse named with --node.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliSignedWarehouseTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"dht-signed-test-{Guid.NewGuid():N}");
    private readonly InMemoryItemStore _store = new();
    private DhtNode? _node;
    private StorageNode? _storage;
    private string _address = "";

    private StorageNode Warehouse => _storage!;

    public async ValueTask InitializeAsync()
    {
        var port = FreePorts.Udp();
        _node = DhtNode.CreateBootstrapper(port, "127.0.0.1");
        _storage = new StorageNode(_node, _store);
        await _node.FullyBootstrappedAsync();
        _address = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    [Fact]
    public async Task A_signed_store_reads_back_verified_and_names_its_key()
    {
        var me = (await DhtCli.RunWithConfigAsync(_config, Limit, "identity")).StandardOutput.Trim();
        var stored = await Run("warehouse", "store", "profile", "hello signed", "--json");
        var got = await Run("warehouse", "get", "profile");
        var json = await Run("warehouse", "get", "profile", "--json");

        Assert.True(stored.ExitCode == 0, stored.ToString());
        var store = JsonNode.Parse(CliStorageTests.Lines(stored.StandardOutput)[^1])!;
        Assert.Equal((true, me), ((bool)store["signed"]!, (string?)store["owner"]));
        Assert.True((ulong)store["sequence"]! >= (ulong)DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), stored.ToString());
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal("hello signed", CliStorageTests.Lines(got.StandardOutput)[^1]);
        Assert.Contains($"signed by {me}", got.StandardError, StringComparison.Ordinal);
        Assert.Contains("signature verified", got.StandardError, StringComparison.Ordinal);
        var read = JsonNode.Parse(CliStorageTests.Lines(json.StandardOutput)[^1])!;
        Assert.Equal(("hello signed", true, me), ((string?)read["value"], (bool)read["values"]![0]!["signed"]!, (string?)read["values"]![0]!["owner"]));
    }

    [Fact]
    public async Task A_second_signed_store_carries_a_higher_sequence()
    {
        var first = JsonNode.Parse(CliStorageTests.Lines((await Run("warehouse", "store", "counter", "1", "--json")).StandardOutput)[^1])!;
        var held = _store.Get(ItemSpace.Warehouse, WarehouseClient.TargetOf("counter"))!;
        var second = await Run("warehouse", "store", "counter", "2", "--json");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True((ulong)JsonNode.Parse(CliStorageTests.Lines(second.StandardOutput)[^1])!["sequence"]! > (ulong)first["sequence"]!, second.ToString());
        Assert.Equal((ulong)first["sequence"]!, (ulong)held.Sequence);
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(_store.Get(ItemSpace.Warehouse, WarehouseClient.TargetOf("counter"))!.Value));
    }

    [Fact]
    public async Task Deleting_an_item_signed_by_another_identity_is_refused_as_not_the_owner()
    {
        var stored = await Run("warehouse", "store", "mine", "kept");
        var stranger = await Run("warehouse", "delete", "mine", "--identity", Path.Combine(_config, "stranger.pem"));
        var unsigned = await Run("warehouse", "delete", "mine", "--unsigned");
        var owner = await Run("warehouse", "delete", "mine");

        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.True(stranger.ExitCode == 1, stranger.ToString());
        var refusal = CliStorageTests.Lines(stranger.StandardError)[^1];
        Assert.Contains(StorageErrors.Describe(StorageErrors.NotOwner), refusal, StringComparison.Ordinal);
        Assert.Contains("Made a new identity", stranger.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stranger.StandardError, StringComparison.Ordinal);
        Assert.True(unsigned.ExitCode == 1, unsigned.ToString());
        Assert.Contains(StorageErrors.Describe(StorageErrors.NotOwner), unsigned.StandardError, StringComparison.Ordinal);
        Assert.True(owner.ExitCode == 0, owner.ToString());
        Assert.Contains("deleted 'mine' from 1 warehouse", owner.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_store_reads_back_as_unsigned_and_deletes_the_old_way()
    {
        var stored = await Run("warehouse", "store", "plain", "first come", "--unsigned");
        var got = await Run("warehouse", "get", "plain");
        var deleted = await Run("warehouse", "delete", "plain", "--unsigned");

        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.Contains("unsigned", stored.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("first come", CliStorageTests.Lines(got.StandardOutput)[^1]);
        Assert.Contains("unsigned (owned by the address that stored it first)", got.StandardError, StringComparison.Ordinal);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.False(Directory.Exists(_config), "an unsigned store or delete made an identity");
    }

    [Fact]
    public async Task A_forged_reply_is_discarded_and_reported_instead_of_printed()
    {
        using var key = SignedEnvelope.CreateKey();
        var forged = SignedEnvelope.Create(key, SignedEnvelope.Purpose.Store, WarehouseClient.TargetOf("victim"), 7, "genuine"u8);
        forged[^1] ^= 0x20;
        Warehouse.Commands.Set(StorageCommands.WarehouseGetVerifiable, r => r.Reply([VerifiableReply.SignedKind, .. forged]));

        var got = await Run("warehouse", "get", "victim");

        Assert.True(got.ExitCode == 1, got.ToString());
        Assert.DoesNotContain("genuinE", got.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 forged reply", got.StandardError, StringComparison.Ordinal);
        Assert.Contains("does not hold 'victim'", CliStorageTests.Lines(got.StandardError)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_warehouse_without_108_is_read_with_the_plain_get_and_said_to_be_unchecked()
    {
        Assert.Equal(0, (await Run("warehouse", "store", "old", "from before", "--unsigned")).ExitCode);
        Warehouse.Commands.Remove(StorageCommands.WarehouseGetVerifiable);

        var got = await Run("warehouse", "get", "old");

        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal("from before", CliStorageTests.Lines(got.StandardOutput)[^1]);
        Assert.Contains("unchecked", got.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_store_on_a_warehouse_that_does_not_know_104_says_to_use_unsigned()
    {
        Warehouse.Commands.Remove(StorageCommands.WarehouseStoreSigned);

        var stored = await Run("warehouse", "store", "new", "kind");

        Assert.True(stored.ExitCode == 1, stored.ToString());
        var line = Assert.Single(CliStorageTests.Lines(stored.StandardError), l => !l.StartsWith("Made a new identity", StringComparison.Ordinal));
        Assert.Contains(StorageErrors.Describe(1), line, StringComparison.Ordinal);
        Assert.Contains("--unsigned", line, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        _store.Dispose();
        if (Directory.Exists(_config))
        {
            Directory.Delete(_config, recursive: true);
        }
    }

    private Task<ProcessResult> Run(params string[] arguments) =>
        DhtCli.RunWithConfigAsync(_config, Limit, [.. arguments, "--node", _address, "--bootstrap", _address]);
}
