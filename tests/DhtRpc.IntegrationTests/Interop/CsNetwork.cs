using DhtRpc.Rpc;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>C# nodes started by a test, disposed together.</summary>
internal sealed class CsNetwork : IAsyncDisposable
{
    private readonly List<CsStoreNode> _nodes = [];

    public IReadOnlyList<CsStoreNode> Nodes => _nodes;

    public HashSet<int> Ports => _nodes.Select(n => n.Port).ToHashSet();

    public async Task<CsStoreNode> AddBootstrapperAsync(Action<CsStoreNode, IncomingRequest>? handler = null)
    {
        var node = await CsStoreNode.BootstrapperAsync(handler);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Starts persistent nodes one after another.</summary>
    public async Task<IReadOnlyList<CsStoreNode>> AddNodesAsync(string bootstrap, int count, Action<CsStoreNode, IncomingRequest>? handler = null)
    {
        var added = new List<CsStoreNode>();
        for (var i = 0; i < count; i++)
        {
            var node = await CsStoreNode.StartAsync([bootstrap], ephemeral: false, handler);
            _nodes.Add(node);
            added.Add(node);
        }

        return added;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
