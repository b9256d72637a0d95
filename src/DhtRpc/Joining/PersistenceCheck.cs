using DhtRpc.Crypto;
using DhtRpc.Nat;
using DhtRpc.Wire;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Joining;

/// <summary>
/// Becoming open and persistent when the network allows it (spec §7.3): run the firewall probe
/// while firewalled; if our address is stable and reachable, take the id it implies, re-key the
/// routing table to it and (unless only the firewall was asked about) put it on the wire.
/// </summary>
internal sealed partial class PersistenceCheck
{
    private readonly DhtNode _node;
    private readonly FirewallProbe _probe;
    private readonly ILogger _logger;

    public PersistenceCheck(DhtNode node, FirewallProbe probe, ILogger logger)
    {
        _node = node;
        _probe = probe;
        _logger = logger;
    }

    /// <summary>The public host the last full check saw; an adaptive node re-checks only when it moved.</summary>
    public uint? LastCheckedHost { get; private set; }

    /// <summary>Forgets the checked host (after a wake-up the network may be another one).</summary>
    public void Forget() => LastCheckedHost = null;

    /// <summary>
    /// Runs one check. <paramref name="onlyFirewall"/>: only find out whether we are open, stay
    /// ephemeral. True when the node's state changed and is consistent.
    /// </summary>
    public async Task<bool> RunAsync(bool onlyFirewall)
    {
        var node = _node;
        if (!node.Ephemeral || (onlyFirewall && !node.Firewalled))
        {
            return false;
        }

        var nat = node.Nat;
        var host = nat.Host;
        var port = nat.Port;
        if (!onlyFirewall)
        {
            node.DeferAdaptiveCheck();
            LastCheckedHost = host;
        }

        if (host is null || port == 0)
        {
            return false;
        }

        var sampler = node.Firewalled ? new NatSampler() : nat;
        if (node.Firewalled && await _probe.IsFirewalledAsync(node.FirewallProbeCandidates(), sampler, () => _node.Nat.Host).ConfigureAwait(true))
        {
            return false;
        }

        node.MarkOpen();

        // Called in parallel, or the estimate moved meanwhile, or the probe disagrees: try again later.
        if (!node.Ephemeral || host != node.Nat.Host || port != node.Nat.Port || sampler.Host != host || sampler.Port == 0)
        {
            return false;
        }

        var id = Blake2b.NodeIdOf(new Ipv4Endpoint(sampler.Host.Value, (ushort)sampler.Port));
        if (!onlyFirewall)
        {
            node.MarkPersistent();
        }

        if (sampler != node.Nat)
        {
            node.AdoptNat(sampler);
        }

        if (id != node.TableId)
        {
            LogRekey(_logger, node.TableId, id);
            node.Rekey(id);
        }

        if (!node.Ephemeral)
        {
            LogPersistent(_logger, id);
            node.RaisePersistent();
        }

        return true;
    }

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Persistent with id {Id}")]
    private static partial void LogPersistent(ILogger logger, NodeId id);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Debug, Message = "Re-keying the routing table from {Old} to {New}")]
    private static partial void LogRekey(ILogger logger, NodeId old, NodeId @new);
}
