using System.Collections.Concurrent;
using System.Globalization;
using DhtRpc.Wire;
using DhtRpc.Rpc;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>A user request as a C# test node saw it.</summary>
internal sealed record SeenRequest(ulong Command, NodeId? Target, byte[]? Value, byte[]? Token, Ipv4Endpoint From);

/// <summary>
/// A C# node with a small key-value store for user commands: PUT (0) with a token stores the value
/// under the target; GET (1) replies with the stored value. Every user request is recorded.
/// </summary>
internal sealed class CsStoreNode : IAsyncDisposable
{
    public const ulong Put = 0;
    public const ulong Get = 1;

    private CsStoreNode(DhtNode node, Action<CsStoreNode, IncomingRequest>? handler)
    {
        Node = node;
        node.RequestHandler = req =>
        {
            Requests.Enqueue(new SeenRequest(req.Command, req.Target, req.Value, req.Token, req.From.Endpoint));
            (handler ?? KeyValue)(this, req);
        };
    }

    public DhtNode Node { get; }

    public ConcurrentDictionary<NodeId, byte[]> Store { get; } = new();

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public int Port => Node.ServerEndpoint!.Value.Port;

    public Ipv4Endpoint Endpoint => Ipv4Endpoint.Loopback(Port);

    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<CsStoreNode> BootstrapperAsync(Action<CsStoreNode, IncomingRequest>? handler = null)
    {
        var port = FreePorts.Udp();
        var node = new CsStoreNode(DhtNode.CreateBootstrapper(port, "127.0.0.1", new DhtNodeOptions { Host = "127.0.0.1" }), handler);
        await node.JoinAsync();
        return node;
    }

    /// <summary>A persistent node on 127.0.0.1, awaited until fully bootstrapped.</summary>
    public static async Task<CsStoreNode> StartAsync(IReadOnlyList<string> bootstrap, bool ephemeral = false, Action<CsStoreNode, IncomingRequest>? handler = null)
    {
        var node = new CsStoreNode(new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = ephemeral, Bootstrap = bootstrap }), handler);
        await node.JoinAsync();
        return node;
    }

    public ValueTask DisposeAsync() => Node.DisposeAsync();

    private static void KeyValue(CsStoreNode self, IncomingRequest req)
    {
        switch (req.Command)
        {
            case Put:
                if (req.Token is not null && req.Value is not null && req.Target is { } target)
                {
                    self.Store[target] = req.Value;
                }

                req.Reply(null);
                break;
            case Get:
                req.Reply(req.Target is { } key && self.Store.TryGetValue(key, out var value) ? value : null);
                break;
            default:
                req.Reply(req.Value);
                break;
        }
    }

    private async Task JoinAsync()
    {
        try
        {
            await Node.FullyBootstrappedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await Node.DisposeAsync();
            throw;
        }
    }
}
