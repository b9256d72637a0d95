using System.Diagnostics.Metrics;
using DhtRpc.Wire;
using DhtRpc.Transport;
using Microsoft.Extensions.Logging;

namespace DhtRpc;

/// <summary>How a <see cref="DhtNode"/> is built. Defaults are dht-rpc's.</summary>
public sealed record DhtNodeOptions
{
    /// <summary>Bootstrap entries: "host:port", "suggestedIp@hostname:port" or a bare port (127.0.0.1).</summary>
    public IReadOnlyList<string> Bootstrap { get; init; } = [];

    /// <summary>Nodes to put in the routing table at start-up (first entry ends up most recent).</summary>
    public IReadOnlyList<Ipv4Endpoint> Nodes { get; init; } = [];

    /// <summary>Server port: 0 = random; p = try p … p+4. See also <see cref="PortRange"/>.</summary>
    public int Port { get; init; }

    /// <summary>Explicit server port range [Start, End): overrides <see cref="Port"/>.</summary>
    public (int Start, int End)? PortRange { get; init; }

    /// <summary>Host both sockets bind to.</summary>
    public string Host { get; init; } = "0.0.0.0";

    /// <summary>Fall back to a random port when the wanted ports are taken.</summary>
    public bool AnyPort { get; init; } = true;

    /// <summary>true = never persistent; false = become persistent during bootstrap; null = adaptive.</summary>
    public bool? Ephemeral { get; init; }

    /// <summary>With <see cref="Ephemeral"/> null: re-evaluate persistence after ~20 minutes of stability.</summary>
    public bool Adaptive { get; init; } = true;

    /// <summary>Assume we are firewalled until a PING_NAT test shows otherwise.</summary>
    public bool Firewalled { get; init; } = true;

    /// <summary>Try a quick PING_NAT on the first bootstrap reply.</summary>
    public bool QuickFirewall { get; init; } = true;

    /// <summary>Requests a query keeps in flight at once.</summary>
    public int Concurrency { get; init; } = 10;

    /// <summary>Congestion window: datagrams sent per 750 ms slot (twice that over four slots) before sends queue.</summary>
    public int MaxWindow { get; init; } = 80;

    /// <summary>
    /// Learn each destination's round trip and derive request timeouts from it (dht-rpc's
    /// `adaptiveTimeout`); null (the default) waits 1 s per attempt.
    /// </summary>
    public Rpc.AdaptiveTimeoutOptions? AdaptiveTimeout { get; init; }

    /// <summary>
    /// When a query stops waiting for a visited node that has not answered (see
    /// <see cref="Query.HedgingOptions"/>); null waits for the first timeout, as dht-rpc does.
    /// </summary>
    public Query.HedgingOptions? Hedging { get; init; } = new();

    /// <summary>
    /// Request budgets, reply-size and byte caps towards unproven addresses, and routing diversity
    /// (see docs/limits.md); null applies none, as dht-rpc does.
    /// </summary>
    public Limits.NodeLimits? Limits { get; init; } = new();

    /// <summary>
    /// Where the node learns of network interface changes (raising <see cref="DhtNode.NetworkChanged"/>);
    /// null uses the transport's (the operating system's for real UDP, none for a simulated network).
    /// </summary>
    public Transport.INetworkInterfaceWatcher? NetworkWatcher { get; init; }

    /// <summary>The longest DELAYED_PING delay this node sends or accepts.</summary>
    public TimeSpan MaxPingDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// DELAYED_PING replies one source address may have pending here; more are refused and counted
    /// (<see cref="Rpc.RefusalStats"/>). A client measuring its timeouts needs one or two at a time.
    /// </summary>
    public int MaxDelayedPingsPerSource { get; init; } = 8;

    /// <summary>DELAYED_PING replies pending here from all sources together; more are refused and counted.</summary>
    public int MaxDelayedPings { get; init; } = 512;

    /// <summary>Tell referrers when a node they named does not answer (DOWN_HINT).</summary>
    public bool SendDownHints { get; init; } = true;

    /// <summary>Down hints per tick: -1 = unlimited, 0 = none.</summary>
    public int DownHintsRateLimit { get; init; } = 50;

    /// <summary>Bucket size.</summary>
    public int K { get; init; } = 20;

    /// <summary>Rejects peers from the routing table (and from query fan-out) when it returns false.</summary>
    public Func<Ipv4Endpoint, bool>? FilterNode { get; init; }

    /// <summary>Where the sockets come from (real UDP by default).</summary>
    public IDatagramTransport Transport { get; init; } = UdpTransport.Instance;

    /// <summary>The clock behind every timer and timeout.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the node runs its logic. Null: a private serial context on the thread pool. A simulation
    /// passes its single-threaded loop so that many nodes run deterministically.
    /// </summary>
    public SynchronizationContext? Context { get; init; }

    /// <summary>Source of randomness for tids, tick offsets and ephemeral ids (seed it for reproducible simulations).</summary>
    public Random? Random { get; init; }

    /// <summary>Where the node logs its decisions (see docs/logging.md); none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// The meter the node's instruments are created on (see <see cref="DhtMetrics"/> and docs/metrics.md);
    /// null (the default) creates none and costs nothing. Give each node its own meter: the instruments
    /// carry no tag that tells nodes apart.
    /// </summary>
    public Meter? Meter { get; init; }
}
