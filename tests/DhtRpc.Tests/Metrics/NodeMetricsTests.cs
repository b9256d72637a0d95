using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Rpc;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Metrics;

/// <summary>Real traffic between nodes on loopback UDP shows in the instruments of their meters.</summary>
public sealed class NodeMetricsTests
{
    private const ulong UserCommand = 42;

    [Fact]
    public async Task Pings_user_requests_queries_and_timeouts_are_counted_by_the_senders_and_the_receivers_meters()
    {
        var ct = TestContext.Current.CancellationToken;
        using var serverMeter = new Meter(DhtMetrics.MeterName);
        using var clientMeter = new Meter(DhtMetrics.MeterName);
        using var serverMetrics = new MeterRecorder(serverMeter);
        using var clientMetrics = new MeterRecorder(clientMeter);
        await using var server = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = false, Firewalled = false, Meter = serverMeter });
        await server.FullyBootstrappedAsync();
        var entry = Ipv4Endpoint.Loopback(server.ServerEndpoint!.Value.Port);
        await using var client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = false, Bootstrap = [$"localhost:{entry.Port}"], Meter = clientMeter });
        await client.FullyBootstrappedAsync();

        const int pings = 5;
        for (var i = 0; i < pings; i++)
        {
            await client.PingAsync(entry, cancellationToken: ct);
        }

        var reply = await client.RequestAsync(new DhtRequest(UserCommand), entry, cancellationToken: ct);
        Assert.Equal(ErrorCodes.UnknownCommand, reply.Error);
        await client.FindNode(RandomId()).ToListAsync(ct);
        var closed = Ipv4Endpoint.Loopback(FreePorts.Udp());
        var timeout = await Assert.ThrowsAsync<DhtException>(() => client.PingAsync(closed, options: new RequestOptions { Timeout = TimeSpan.FromMilliseconds(100) }, cancellationToken: ct));
        Assert.Equal(DhtErrorCode.RequestTimeout, timeout.Code);

        clientMetrics.Collect();
        Assert.True(clientMetrics.Value(DhtMetrics.RequestsSent, (DhtMetrics.CommandTag, "ping")) >= pings + 1);
        Assert.True(clientMetrics.Value(DhtMetrics.ResponsesReceived, (DhtMetrics.CommandTag, "ping")) >= pings);
        Assert.Equal(1, clientMetrics.Value(DhtMetrics.RequestsSent, (DhtMetrics.CommandTag, "42")));
        Assert.Equal(1, clientMetrics.Value(DhtMetrics.ResponsesReceived, (DhtMetrics.CommandTag, "42")));
        Assert.True(clientMetrics.Value(DhtMetrics.RequestsSent, (DhtMetrics.CommandTag, "find_node")) >= 1);
        Assert.True(clientMetrics.Value(DhtMetrics.RequestTimeouts) >= 1);
        Assert.True(clientMetrics.Value(DhtMetrics.RequestRetries) >= 3);
        Assert.True(clientMetrics.Value(DhtMetrics.QueriesStarted) >= 1);
        Assert.Equal(client.Stats.Requests.Active, clientMetrics.Value(DhtMetrics.RequestsActive));

        var walks = clientMetrics.Recorded(DhtMetrics.QueryDuration);
        Assert.Contains(walks, w => (string?)w.Tag(DhtMetrics.CommandTag) == "find_node" && w.Tag(DhtMetrics.ErrorTypeTag) is null && w.Value > 0);

        serverMetrics.Collect();
        Assert.True(serverMetrics.Value(DhtMetrics.RequestsReceived, (DhtMetrics.CommandTag, "ping")) >= pings);
        Assert.Equal(1, serverMetrics.Value(DhtMetrics.RequestsReceived, (DhtMetrics.CommandTag, "42")));
        Assert.True(serverMetrics.Value(DhtMetrics.RequestsReceived, (DhtMetrics.CommandTag, "find_node")) >= 1);
        Assert.Equal((await server.GetNodesAsync()).Count, serverMetrics.Value(DhtMetrics.RoutingTableSize));
        Assert.True(serverMetrics.Value(DhtMetrics.RoutingTableSize) >= 1);
    }

    [Fact]
    public async Task Datagrams_the_node_cannot_act_on_are_counted_by_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        using var meter = new Meter(DhtMetrics.MeterName);
        using var metrics = new MeterRecorder(meter);
        await using var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = false, Firewalled = false, Meter = meter });
        await node.FullyBootstrappedAsync();

        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var to = new IPEndPoint(IPAddress.Loopback, node.ServerEndpoint!.Value.Port);
        await sender.SendAsync(new byte[] { MessageType.Request, 0 }, to, ct);
        await sender.SendAsync(new byte[] { MessageType.Request }, to, ct);
        await sender.SendAsync(new byte[] { 0xFF, 0 }, to, ct);
        await Until(() => node.Stats.Dropped.Malformed + node.Stats.Dropped.TooShort + node.Stats.Dropped.UnknownType == 3, ct);

        metrics.Collect();
        Assert.Equal(1, metrics.Value(DhtMetrics.Dropped, (DhtMetrics.ReasonTag, "malformed")));
        Assert.Equal(1, metrics.Value(DhtMetrics.Dropped, (DhtMetrics.ReasonTag, "tooShort")));
        Assert.Equal(1, metrics.Value(DhtMetrics.Dropped, (DhtMetrics.ReasonTag, "unknownType")));
        Assert.Equal(0, metrics.Value(DhtMetrics.Dropped, (DhtMetrics.ReasonTag, "unmatchedResponses")));

        // Every dropped.*, refused.* and limited.* counter of the node is a series of its instrument.
        var reasons = metrics.Observed(DhtMetrics.Dropped).Concat(metrics.Observed(DhtMetrics.Refused)).Concat(metrics.Observed(DhtMetrics.Limited))
            .Select(r => $"{r.Instrument[(r.Instrument.IndexOf('.', StringComparison.Ordinal) + 1)..]}.{r.Tag(DhtMetrics.ReasonTag)}");
        var counters = node.Stats.Counters().Keys.Where(k => !k.StartsWith("requests.", StringComparison.Ordinal));
        Assert.Equal(counters.Order(StringComparer.Ordinal), reasons.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sends_over_a_full_congestion_window_are_counted_as_waits()
    {
        var ct = TestContext.Current.CancellationToken;
        using var meter = new Meter(DhtMetrics.MeterName);
        using var metrics = new MeterRecorder(meter);
        await using var client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [], MaxWindow = 1, Meter = meter });
        await client.FullyBootstrappedAsync();

        // A port that never answers holds each ping in the window until it times out, so the second and
        // third must wait whatever the machine's speed (an answering node could free the window first).
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var entry = Ipv4Endpoint.Loopback(((IPEndPoint)silent.LocalEndPoint!).Port);
        var once = new RequestOptions { Retry = false, Timeout = TimeSpan.FromMilliseconds(100) };
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
            await Assert.ThrowsAsync<DhtException>(() => client.PingAsync(entry, options: once, cancellationToken: ct))));

        metrics.Collect();
        Assert.True(metrics.Value(DhtMetrics.CongestionWaits) >= 2);
        Assert.Equal(client.Stats.Requests.CongestionWaits, metrics.Value(DhtMetrics.CongestionWaits));
        Assert.Equal(0, metrics.Value(DhtMetrics.CongestionQueued));
    }

    [Fact]
    public async Task A_node_without_a_meter_keeps_no_per_command_counts()
    {
        await using var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [] });
        Assert.Null(node.Stats.Traffic);
    }

    private static NodeId RandomId() => NodeId.Read(System.Security.Cryptography.RandomNumberGenerator.GetBytes(NodeId.Size));

    private static async Task Until(Func<bool> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, ct);
        }
    }
}
