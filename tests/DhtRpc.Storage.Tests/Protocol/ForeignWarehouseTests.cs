using System.Text;
using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>
/// The warehouse client against a warehouse it did not write: the study's JS warehouse answers every
/// LIST with its whole inventory whatever the offset, and KEY_STATS and INFO with raw values.
/// </summary>
public sealed class ForeignWarehouseTests
{
    private const string Inventory = """[{"key":"0a1b2c3d4e5f6071...","preview":"John Doe...","size":8,"stored":"2026-01-01T00:00:00.000Z","accessCount":1},{"key":"1a1b2c3d4e5f6071...","preview":"abc123xyz...","size":9,"stored":"2026-01-01T00:00:01.000Z","accessCount":0},{"key":"2a1b2c3d4e5f6071...","preview":"{\"theme\":\"dark\"}...","size":16,"stored":"2026-01-01T00:00:02.000Z","accessCount":0}]""";

    private readonly SimulatedSwarm _swarm = new SimulatedSwarm().Make(6);
    private int _lists;

    public ForeignWarehouseTests()
    {
        _swarm[3].RequestHandler = AnswerLikeTheStudysWarehouse;
    }

    private Ipv4Endpoint Warehouse => Ipv4Endpoint.Loopback(_swarm[3].ServerEndpoint!.Value.Port);

    [Fact]
    public void A_warehouse_that_ignores_the_page_offset_is_listed_once_in_two_requests()
    {
        var items = _swarm.Run(() => new WarehouseClient(_swarm[1]).ListAsync(Warehouse));

        Assert.Equal(["John Doe...", "abc123xyz...", "{\"theme\":\"dark\"}..."], items.Select(i => i.Preview));
        Assert.Equal(2, _lists);
    }

    [Fact]
    public void Key_stats_in_another_format_are_counted_as_unreadable_instead_of_throwing()
    {
        var stats = _swarm.Run(() => new WarehouseClient(_swarm[1]).KeyStatsAsync("user123"));

        Assert.Empty(stats.Holders);
        Assert.True(stats.UnreadableReplies >= 1, "the foreign warehouse's reply was not counted");
    }

    [Fact]
    public void Info_in_another_format_is_one_sentence_naming_the_node()
    {
        var error = Assert.Throws<UnreadableReplyException>(() => _swarm.Run(() => new WarehouseClient(_swarm[1]).InfoAsync(Warehouse)));

        Assert.Equal($"{Warehouse} answered INFO in a format this client does not read; it may run another warehouse protocol.", error.Message);
        Assert.Equal(StorageErrorCode.UnreadableReply, error.Code);
    }

    private void AnswerLikeTheStudysWarehouse(IncomingRequest request)
    {
        switch (request.Command)
        {
            case StorageCommands.WarehouseList:
                _lists++;
                request.Reply(Encoding.UTF8.GetBytes(Inventory));
                return;
            default:
                request.Reply(Encoding.UTF8.GetBytes("John Doe"));
                return;
        }
    }
}
