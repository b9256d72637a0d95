namespace DhtRpc.Hosting;

/// <summary>
/// What a hosted node is: where it listens, whom it asks first, where it keeps its files. Bound from
/// the <c>Dht</c> section of configuration (<c>appsettings.json</c>, <c>DHT__PORT</c>-style environment
/// variables, the command line) and checked when the host starts.
/// </summary>
public sealed class DhtHostOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Dht";

    /// <summary>IPv4 address to bind (0.0.0.0: every interface).</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>UDP port; 0 takes the one saved in <see cref="DataDirectory"/> by the last run, else any free one.</summary>
    public int Port { get; set; }

    /// <summary>Bootstrap nodes as <c>host:port</c> (or a bare port on this machine).</summary>
    public IList<string> Bootstrap { get; set; } = [];

    /// <summary>
    /// Run as a bootstrap node: its id is derived from its address, it needs no bootstrap list, and it
    /// serves no storage. With <see cref="Port"/> 0 a free port is chosen before it starts.
    /// </summary>
    public bool Bootstrapper { get; set; }

    /// <summary>Folder for the store and the peers remembered between runs; null keeps everything in memory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Apply the per-source limits to loopback and private addresses too (for tests on one machine).</summary>
    public bool LimitLocal { get; set; }

    /// <summary>How often the routing table's peers are written to <see cref="DataDirectory"/> (and always on shutdown).</summary>
    public TimeSpan PeerSaveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most peers saved for the next start.</summary>
    public int SavedPeers { get; set; } = 200;
}
