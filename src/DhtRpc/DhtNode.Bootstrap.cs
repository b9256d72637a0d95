using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Nat;
using DhtRpc.Query;
using DhtRpc.Routing;
using DhtRpc.Rpc;
using Microsoft.Extensions.Logging;

namespace DhtRpc;

/// <summary>Joining: bind, query for ourselves, test the firewall, become persistent (spec §7).</summary>
public sealed partial class DhtNode
{
    private readonly bool _quickFirewall;
    private readonly Lock _oneShotGate = new();
    private uint? _lastCheckedHost;

    private Action? _listening;
    private Action? _ready;
    private bool _isListening;

    /// <summary>Raised once both sockets are bound. A handler added after that is called at once.</summary>
    public event Action? Listening
    {
        add => AddOneShot(ref _listening, value, () => _isListening);
        remove => RemoveOneShot(ref _listening, value);
    }

    /// <summary>Raised once the node is fully bootstrapped. A handler added after that is called at once.</summary>
    public event Action? Ready
    {
        add => AddOneShot(ref _ready, value, () => Bootstrapped);
        remove => RemoveOneShot(ref _ready, value);
    }

    /// <summary>Raised when the node becomes persistent (its id goes on the wire).</summary>
    public event Action? Persistent;

    /// <summary>Raised when an adaptive node drops back to ephemeral (after waking up).</summary>
    public event Action? BecameEphemeral;

    /// <summary>Bootstrap nodes resolved to addresses (suggested IPs are pinged first; names go through DNS).</summary>
    internal async IAsyncEnumerable<DhtPeer> ResolveBootstrapNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var entry in _bootstrapNodes)
        {
            Ipv4Endpoint? endpoint = null;
            if (entry.SuggestedEndpoint is { } suggested)
            {
                try
                {
                    await PingAsync(suggested, cancellationToken: cancellationToken).ConfigureAwait(true);
                    endpoint = suggested;
                }
                catch (DhtException)
                {
                    endpoint = null;
                }
            }

            endpoint ??= await LookupAsync(entry, cancellationToken).ConfigureAwait(true);
            if (endpoint is { } resolved)
            {
                yield return new DhtPeer(resolved, Blake2b.NodeIdOf(resolved));
            }
        }
    }

    private static async Task<Ipv4Endpoint?> LookupAsync(BootstrapEntry entry, CancellationToken cancellationToken)
    {
        var host = entry.LookupHost;
        if (Ipv4Endpoint.TryParseHost(host, out var address))
        {
            return new Ipv4Endpoint(address, (ushort)entry.Port);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Ipv4Endpoint.Loopback(entry.Port);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, AddressFamily.InterNetwork, cancellationToken).ConfigureAwait(true);
            return addresses.Length == 0 ? null : Ipv4Endpoint.FromIPEndPoint(new IPEndPoint(addresses[0], entry.Port));
        }
        catch (SocketException)
        {
            // An unresolvable bootstrap entry is skipped, as dht-rpc does.
            return null;
        }
    }

    private async Task RunBootstrapAsync()
    {
        try
        {
            await BootstrapAsync().ConfigureAwait(true);
            _bootstrapped.TrySetResult();
        }
        catch (Exception e) when (e is DhtException or Transport.DatagramBindException or ObjectDisposedException)
        {
            LogBootstrapFailed(_logger, e);
            _bootstrapped.TrySetException(e);
        }
    }

    private async Task BootstrapAsync()
    {
        if (Destroyed)
        {
            throw DhtException.NodeIsDestroyed();
        }

        Io.Bind();
        LogListening(_logger, Io.ServerSocket!.LocalEndpoint, Io.ClientSocket!.LocalEndpoint);
        RaiseOneShot(ref _listening, () => _isListening = true);

        var quickTestPending = Firewalled && _quickFirewall && !_forcePersistent;
        var natTestWanted = false;
        var onlyFirewall = !_forcePersistent;

        for (var round = 0; round < 2; round++)
        {
            var query = BackgroundQuery(Table.Id);
            query.OnReply += reply =>
            {
                // Quick heuristic: one PING_NAT to the first responder; if it gets back to our
                // server socket before the walk ends, a full firewall test is worth running.
                if (!quickTestPending)
                {
                    return;
                }

                quickTestPending = false;
                SendInternalRequest(reply.From, false, true, Commands.PingNat, null, ServerPortValue(), null, (_, _) => natTestWanted = true, null);
            };
            await query.Completion.ConfigureAwait(true);
            if (Destroyed)
            {
                throw DhtException.NodeIsDestroyed();
            }

            if (Bootstrapped || (!natTestWanted && !_forcePersistent))
            {
                break;
            }

            if (!await UpdateNetworkStateAsync(onlyFirewall).ConfigureAwait(true))
            {
                break;
            }
        }

        if (Bootstrapped)
        {
            return;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            LogBootstrapped(_logger, Id is { } id ? id.ToString() : "ephemeral", Nodes.Count, Firewalled);
        }

        RaiseOneShot(ref _ready, () => Bootstrapped = true);
    }

    /// <summary>
    /// One-shot events: the node starts on its own context right after construction, so a handler
    /// added a moment later must still hear about a state the node has already reached.
    /// </summary>
    private void AddOneShot(ref Action? handlers, Action? handler, Func<bool> happened)
    {
        if (handler is null)
        {
            return;
        }

        bool callNow;
        lock (_oneShotGate)
        {
            callNow = happened();
            if (!callNow)
            {
                handlers += handler;
            }
        }

        if (callNow)
        {
            handler();
        }
    }

    private void RemoveOneShot(ref Action? handlers, Action? handler)
    {
        lock (_oneShotGate)
        {
            handlers -= handler;
        }
    }

    private void RaiseOneShot(ref Action? handlers, Action markHappened)
    {
        Action? toCall;
        lock (_oneShotGate)
        {
            markHappened();
            toCall = handlers;
            handlers = null;
        }

        toCall?.Invoke();
    }

    private byte[] ServerPortValue()
    {
        var value = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(value, Io.ServerSocket?.LocalEndpoint.Port ?? 0);
        return value;
    }

    /// <summary>Becomes open (and, in the full variant, persistent) when the network allows it (spec §7.3).</summary>
    private async Task<bool> UpdateNetworkStateAsync(bool onlyFirewall)
    {
        if (!Ephemeral || (onlyFirewall && !Firewalled))
        {
            return false;
        }

        var host = _nat.Host;
        var port = _nat.Port;
        if (!onlyFirewall)
        {
            _stableTicks = MoreStableTicks;
            _lastCheckedHost = host;
        }

        if (host is null || port == 0)
        {
            return false;
        }

        var sampler = Firewalled ? new NatSampler() : _nat;
        if (Firewalled && await CheckIfFirewalledAsync(sampler).ConfigureAwait(true))
        {
            return false;
        }

        Firewalled = Io.Firewalled = false;

        // Called in parallel, or the estimate moved meanwhile, or the probe disagrees: try again later.
        if (!Ephemeral || host != _nat.Host || port != _nat.Port || sampler.Host != host || sampler.Port == 0)
        {
            return false;
        }

        var id = Blake2b.NodeIdOf(new Ipv4Endpoint(sampler.Host.Value, (ushort)sampler.Port));
        if (!onlyFirewall)
        {
            Ephemeral = Io.Ephemeral = false;
        }

        if (sampler != _nat)
        {
            var before = PublicEndpoint;
            _bootstrapSamples.Clear();
            _nat = sampler;
            if (before != PublicEndpoint)
            {
                NatUpdated?.Invoke(PublicEndpoint);
            }
        }

        if (id != Table.Id)
        {
            RekeyTable(id);
        }

        if (!Ephemeral)
        {
            LogPersistent(_logger, id);
            Persistent?.Invoke();
        }

        return true;
    }

    /// <summary>Moves every entry into a table keyed by our new id; entries that no longer fit are dropped.</summary>
    private void RekeyTable(NodeId id)
    {
        var entries = Table.ToList();
        var table = new RoutingTable(id, Options.K);
        foreach (var node in entries)
        {
            if (node.Id == id || !table.Add(node))
            {
                Nodes.Remove(node);
            }
        }

        table.RowFull = OnRowFull;
        Table = table;
        if (Bootstrapped)
        {
            Refresh();
        }
    }

    /// <summary>
    /// Asks up to five nodes to PING_NAT our server socket; we are open when enough of the replies
    /// arrived there and agree with our address estimate (spec §7.2).
    /// </summary>
    private async Task<bool> CheckIfFirewalledAsync(NatSampler sampler)
    {
        var nodes = new List<DhtPeer>();
        for (var node = Nodes.Latest; node is not null && nodes.Count < 5; node = TimeOrderedNodes.Older(node))
        {
            nodes.Add(new DhtPeer(node.Endpoint, node.Id));
        }

        if (nodes.Count < 5)
        {
            await foreach (var peer in ResolveBootstrapNodesAsync().ConfigureAwait(true))
            {
                nodes.Add(peer);
            }
        }

        if (nodes.Count == 0 || Io.ServerSocket is null)
        {
            return true;
        }

        var serverPort = Io.ServerSocket.LocalEndpoint.Port;
        var probe = Io.ServerSocketProbe ??= [];
        var replies = await RequestAllAsync(Commands.PingNat, ServerPortValue(), nodes).ConfigureAwait(true);
        Io.ServerSocketProbe = null;

        var count = 0;
        foreach (var reply in replies)
        {
            if (probe.Contains(reply.From.Endpoint.Address))
            {
                count++;
                sampler.Add(reply.To);
            }
        }

        if (count < (nodes.Count >= 5 ? 3 : 1))
        {
            return true;
        }

        return sampler.Host is null || _nat.Host != sampler.Host || sampler.Port == 0 || sampler.Port != serverPort;
    }

    private Task<List<DhtResponse>> RequestAllAsync(ulong command, byte[] value, List<DhtPeer> nodes)
    {
        var replies = new List<DhtResponse>();
        var tcs = new TaskCompletionSource<List<DhtResponse>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var missing = nodes.Count;
        void Done()
        {
            if (--missing == 0)
            {
                tcs.TrySetResult(replies);
            }
        }

        foreach (var node in nodes)
        {
            var request = SendInternalRequest(node, false, true, command, null, value, null, (reply, _) =>
            {
                replies.Add(reply);
                Done();
            }, (_, _) => Done());
            if (request is null)
            {
                tcs.TrySetResult(replies);
                break;
            }
        }

        return tcs.Task;
    }

    /// <summary>A FIND_NODE walk that yields to other traffic: low concurrency unless the node is idle.</summary>
#pragma warning disable VSTHRD200 // Returns the query stream object.
    private DhtQuery BackgroundQuery(NodeId target)
    {
        _refreshTicks = RefreshTicks;
        var concurrency = Options.Concurrency;
        var background = Math.Min(concurrency, Math.Max(2, concurrency / 8));
        var query = new DhtQuery(this, target, isInternal: true, Commands.FindNode, null, new QueryOptions { Concurrency = background });
        query.OnReply += _ => query.Concurrency = Io.InflightCount < 3 ? concurrency : background;
        _ = RunQueryAsync(query);
        return query;
    }
#pragma warning restore VSTHRD200

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on server {Server} and client {Client}")]
    private static partial void LogListening(ILogger logger, Ipv4Endpoint server, Ipv4Endpoint client);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrapped: id {Id}, {Nodes} nodes in the table, firewalled {Firewalled}")]
    private static partial void LogBootstrapped(ILogger logger, string id, int nodes, bool firewalled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Persistent with id {Id}")]
    private static partial void LogPersistent(ILogger logger, NodeId id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap failed")]
    private static partial void LogBootstrapFailed(ILogger logger, Exception error);
}
